#include "core/runtime/errors.h"
#include "core/workspace/atomic_file.h"
#include "tests/test_support.h"

#include <doctest/doctest.h>

using namespace inv;

TEST_CASE("an atomic write replaces the content and leaves no temporary file") {
    test::TempDir dir;
    write_file_atomically(dir / "a.txt", "first");
    write_file_atomically(dir / "a.txt", "second");
    CHECK(read_file(dir / "a.txt") == "second");
    int files = 0;
    for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator(dir.path())) ++files;
    CHECK(files == 1);
}

TEST_CASE("a failed atomic write leaves what was there and no temporary file") {
    test::TempDir dir;
    // A non-empty folder where the file should go: the final rename must fail.
    std::filesystem::create_directories(dir / "target" / "inside");
    CHECK_THROWS_WITH_AS(write_file_atomically(dir / "target", "data"), doctest::Contains("target"), UserError);
    CHECK(std::filesystem::is_directory(dir / "target" / "inside"));
    int entries = 0;
    for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator(dir.path())) ++entries;
    CHECK(entries == 1);
}

TEST_CASE("reading a missing file names it") {
    CHECK_THROWS_WITH_AS(read_file("/nonexistent/invariances.json"), doctest::Contains("/nonexistent/invariances.json"),
                         UserError);
}
