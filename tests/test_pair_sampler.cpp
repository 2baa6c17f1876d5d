#include "core/data/dataset_catalog.h"
#include "core/data/pair_sampler.h"
#include "tests/test_support.h"

#include <doctest/doctest.h>

using namespace inv;

namespace {

std::shared_ptr<const ColorDataset> train_set() {
    static const SourceImages source = load_source_images(DatasetKind::ColorMnist, test::data_root());
    return make_color_dataset(source, Split::Train, 0);
}

}  // namespace

TEST_CASE("every pair shares exactly its named factor and differs in the others") {
    PairSampler sampler(train_set(), 42);
    for (int i = 0; i < 600; ++i) {
        const FactorPair pair = sampler.next();
        REQUIRE(pair.shared_factor < 3);
        for (std::size_t f = 0; f < 3; ++f) {
            const bool same = pair.a.factor_values[f] == pair.b.factor_values[f];
            CHECK_MESSAGE(same == (f == pair.shared_factor), "pair ", i, " factor ", f);
        }
        CHECK(pair.a.label == static_cast<int>(pair.a.factor_values[0][0]));
        CHECK(pair.a.pixels != pair.b.pixels);
    }
}

TEST_CASE("the shared factor is chosen uniformly") {
    PairSampler sampler(train_set(), 7);
    std::vector<int> counts(3, 0);
    const int n = 3000;
    for (int i = 0; i < n; ++i) ++counts.at(sampler.next().shared_factor);
    // Binomial(3000, 1/3): standard deviation ~26.
    for (int count : counts) CHECK(std::abs(count - n / 3) < 130);
}

TEST_CASE("pair sampling is reproducible by seed") {
    PairSampler a(train_set(), 9);
    PairSampler b(train_set(), 9);
    PairSampler c(train_set(), 10);
    bool any_difference = false;
    for (int i = 0; i < 20; ++i) {
        const FactorPair pa = a.next();
        const FactorPair pb = b.next();
        const FactorPair pc = c.next();
        CHECK(pa.a.pixels == pb.a.pixels);
        CHECK(pa.b.pixels == pb.b.pixels);
        any_difference |= pa.a.pixels != pc.a.pixels;
    }
    CHECK(any_difference);
}
