#include "core/flow/flow_checkpoint.h"
#include "core/runtime/errors.h"
#include "core/workspace/atomic_file.h"
#include "tests/flow_test_support.h"
#include "tests/test_support.h"

#include <doctest/doctest.h>

using namespace inv;

TEST_CASE("save then load gives bit-identical outputs on the CPU") {
    test::TempDir dir;
    torch::manual_seed(5);
    ConditionalFlow t(test::small_t({2, 8, 8}));
    const torch::Tensor code = torch::randn({16, 6});
    const torch::Tensor z = torch::randn({16, 2, 8, 8});
    t->train();
    t->forward(code, z);
    t->eval();
    save_module(*t, to_json(t->config()), dir / "t.pt");

    ConditionalFlow loaded = load_conditional_flow(dir / "t.pt", torch::kCPU);
    loaded->eval();
    torch::NoGradGuard no_grad;
    const FlowOutput original = t->forward(code, z);
    const FlowOutput again = loaded->forward(code, z);
    CHECK(torch::equal(original.value, again.value));
    CHECK(torch::equal(original.logdet, again.logdet));
    CHECK(torch::equal(t->inverse(original.value, z), loaded->inverse(original.value, z)));

    FactorFlow e(test::small_e());
    e->train();
    e->forward(torch::randn({16, 7}));
    e->eval();
    save_module(*e, to_json(e->config()), dir / "e.pt");
    FactorFlow e_loaded = load_factor_flow(dir / "e.pt", torch::kCPU);
    e_loaded->eval();
    const torch::Tensor x = torch::randn({4, 7});
    CHECK(torch::equal(e->forward(x).value, e_loaded->forward(x).value));
    CHECK(e_loaded->config().factors[1].name == "digit");
}

TEST_CASE("a loaded ActNorm is never initialised again on new data") {
    test::TempDir dir;
    torch::manual_seed(6);
    FactorFlow e(test::small_e());
    e->train();
    e->forward(torch::randn({32, 7}));
    save_module(*e, to_json(e->config()), dir / "e.pt");

    FactorFlow loaded = load_factor_flow(dir / "e.pt", torch::kCPU);
    loaded->train();
    const torch::Tensor shifted = torch::randn({32, 7}) * 9 + 4;
    torch::NoGradGuard no_grad;
    CHECK(torch::equal(loaded->forward(shifted).value, e->forward(shifted).value));
}

TEST_CASE("loading a file made for another configuration names the key and both values") {
    test::TempDir dir;
    ConditionalFlow narrow(test::small_t({5}, 6, 3, 16));
    save_module(*narrow, to_json(narrow->config()), dir / "t.pt");

    ConditionalFlowConfig wider = test::small_t({5}, 6, 3, 32);
    ConditionalFlow target(wider);
    try {
        load_module(*target, to_json(wider), dir / "t.pt", torch::kCPU);
        FAIL("expected an error");
    } catch (const UserError& e) {
        const std::string message = e.what();
        CHECK(message.find("flow.hidden_width") != std::string::npos);
        CHECK(message.find("found 16") != std::string::npos);
        CHECK(message.find("expected 32") != std::string::npos);
    }
    CHECK_THROWS_WITH_AS(load_factor_flow(dir / "t.pt", torch::kCPU), doctest::Contains("conditional_flow"), UserError);
}

TEST_CASE("a damaged archive or a missing side-car is reported by name") {
    test::TempDir dir;
    FactorFlow e(test::small_e());
    save_module(*e, to_json(e->config()), dir / "e.pt");
    std::string bytes = read_file(dir / "e.pt");
    bytes[bytes.size() / 2] ^= 0x5A;
    write_file_atomically(dir / "e.pt", bytes);
    CHECK_THROWS_WITH_AS(load_factor_flow(dir / "e.pt", torch::kCPU), doctest::Contains("checksum"), UserError);

    std::filesystem::remove(side_car_path(dir / "e.pt"));
    CHECK_THROWS_WITH_AS(load_factor_flow(dir / "e.pt", torch::kCPU), doctest::Contains("e.pt.json"), UserError);
}
