// `invariances-cli data …`: look at the data sets.
#include "app/cli_commands.h"
#include "app/terminal_progress.h"
#include "core/data/dataset_catalog.h"
#include "core/data/image_folder_dataset.h"
#include "core/image/png_io.h"
#include "core/image/sample_grid.h"
#include "core/runtime/errors.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <memory>

namespace inv {
namespace {

struct PreviewOptions {
    std::string dataset = "colormnist";
    std::string split = "train";
    int count = 16;
    int columns = 0;
    std::uint64_t seed = 0;
    int scale = 3;
    bool no_captions = false;
    std::filesystem::path out;
    std::filesystem::path images;      // a folder of the user's images instead of a built-in set
    std::filesystem::path attributes;  // its attributes CSV
    int size = 32;
};

DatasetKind dataset_or_throw(const std::string& name) {
    if (auto kind = parse_dataset_kind(name)) return *kind;
    throw UserError("unknown data set \"" + name + "\"; expected colormnist or colorfashion.");
}

nlohmann::json cell_to_json(const SampleGrid& grid, const SampleGridCell& cell) {
    nlohmann::json j{{"index", cell.dataset_index},
                     {"label", cell.label},
                     {"class", grid.class_names.at(static_cast<std::size_t>(cell.label))}};
    for (std::size_t f = 1; f < grid.factors.size(); ++f) j[grid.factors[f].name] = cell.factor_values[f];
    return j;
}

void print_cells(const SampleGrid& grid) {
    std::printf("%5s  %-12s  %-26s  %-26s\n", "index", grid.factors[0].name.c_str(), "foreground (r, g, b)",
                "background (r, g, b)");
    for (const SampleGridCell& cell : grid.cells) {
        const auto& fg = cell.factor_values[1];
        const auto& bg = cell.factor_values[2];
        std::printf("%5zu  %-12s  (%.3f, %.3f, %.3f)     (%.3f, %.3f, %.3f)\n", cell.dataset_index,
                    grid.class_names.at(static_cast<std::size_t>(cell.label)).c_str(), fg[0], fg[1], fg[2], bg[0], bg[1], bg[2]);
    }
}

// A folder of the user's images: the grid, each image's file and factors, and what was skipped.
void run_folder_preview(const PreviewOptions& options, const GlobalOptions& global) {
    ImageFolderReport found;
    const auto dataset = ImageFolderDataset::load({options.images, options.attributes, options.size}, &found);
    if (!found.skipped.empty()) {
        std::fprintf(stderr, "warning: skipped %zu file(s) that could not be read:\n", found.skipped.size());
        for (const std::string& line : found.skipped) std::fprintf(stderr, "  %s\n", line.c_str());
    }
    const int count = std::min(options.count, static_cast<int>(dataset->size()));
    SampleGridRequest request;
    request.columns = options.columns > 0 ? options.columns : static_cast<int>(std::ceil(std::sqrt(count)));
    request.rows = (count + request.columns - 1) / request.columns;
    request.seed = options.seed;
    request.scale = std::max(1, options.scale * 32 / options.size);
    request.captions = !options.no_captions;
    std::optional<SampleGrid> grid = render_sample_grid(*dataset, request);
    grid->cells.resize(static_cast<std::size_t>(count));
    write_png(options.out, grid->image);
    nlohmann::json samples = nlohmann::json::array();
    for (const SampleGridCell& cell : grid->cells) {
        nlohmann::json sample{{"index", cell.dataset_index}, {"file", dataset->file(cell.dataset_index)}};
        for (std::size_t f = 0; f < grid->factors.size(); ++f) {
            const auto value = static_cast<std::size_t>(cell.factor_values[f][0]);
            sample[grid->factors[f].name] = value < grid->factors[f].categories.size() ? grid->factors[f].categories[value] : "";
        }
        samples.push_back(sample);
    }
    if (global.json) {
        const nlohmann::json report{{"folder", options.images.string()}, {"images", dataset->size()},
                                    {"skipped", found.skipped},          {"classes", dataset->class_names()},
                                    {"out", options.out.string()},       {"samples", samples}};
        std::printf("%s\n", report.dump(2).c_str());
        return;
    }
    for (const auto& sample : samples) std::printf("%s\n", sample.dump().c_str());
    std::printf("wrote %s (%d of %zu images of %s; %zu skipped)\n", options.out.c_str(), count, dataset->size(),
                dataset->name().c_str(), found.skipped.size());
}

void run_preview(const PreviewOptions& options, const GlobalOptions& global) {
    if (!options.images.empty()) return run_folder_preview(options, global);
    if (!options.attributes.empty()) throw UserError("--attributes belongs to an image folder: give --images DIR too.");
    const DatasetKind kind = dataset_or_throw(options.dataset);
    const std::optional<Split> split = parse_split(options.split);
    if (!split) throw UserError("unknown split \"" + options.split + "\"; expected train or test.");
    if (options.count < 1 || options.count > 4096) {
        throw UserError("--count must be between 1 and 4096, got " + std::to_string(options.count) + ".");
    }

    const SourceImages source = load_source_images(kind, global.data_root);
    const auto dataset = make_color_dataset(source, *split, options.seed);

    SampleGridRequest request;
    request.columns = options.columns > 0 ? options.columns : static_cast<int>(std::ceil(std::sqrt(options.count)));
    request.rows = (options.count + request.columns - 1) / request.columns;
    request.seed = options.seed;
    request.scale = options.scale;
    request.captions = !options.no_captions;

    TerminalProgress progress("rendering " + dataset->name(), request.rows);
    std::optional<SampleGrid> grid = render_sample_grid(*dataset, request, [&](int done, int) {
        progress.update(done);
        return true;
    });
    progress.finish();
    grid->cells.resize(static_cast<std::size_t>(options.count));
    write_png(options.out, grid->image);

    if (global.json) {
        nlohmann::json samples = nlohmann::json::array();
        for (const SampleGridCell& cell : grid->cells) samples.push_back(cell_to_json(*grid, cell));
        const nlohmann::json report{{"dataset", to_string(kind)}, {"split", to_string(*split)},  {"seed", options.seed},
                                    {"source", source.origin},    {"out", options.out.string()}, {"samples", samples}};
        std::printf("%s\n", report.dump(2).c_str());
    } else {
        print_cells(*grid);
        std::printf("wrote %s (%dx%d pixels, %d samples of %s)\n", options.out.c_str(), grid->image.width, grid->image.height,
                    options.count, dataset->name().c_str());
    }
}

void run_info(const std::string& dataset_name, const GlobalOptions& global) {
    const DatasetKind kind = dataset_or_throw(dataset_name);
    const SourceImages source = load_source_images(kind, global.data_root);
    const auto train = make_color_dataset(source, Split::Train, 0);
    const auto test = make_color_dataset(source, Split::Test, 0);
    if (global.json) {
        const nlohmann::json report{{"dataset", to_string(kind)},
                                    {"source", source.origin},
                                    {"train", train->size()},
                                    {"test", test->size()},
                                    {"classes", train->class_names()}};
        std::printf("%s\n", report.dump(2).c_str());
        return;
    }
    std::string classes;
    for (const std::string& name : train->class_names()) classes += (classes.empty() ? "" : ", ") + name;
    std::printf("%s from %s\n  train: %zu images\n  test:  %zu images\n  classes: %s\n", to_string(kind).c_str(),
                source.origin.c_str(), train->size(), test->size(), classes.c_str());
}

}  // namespace

void add_data_commands(CLI::App& app, const GlobalOptions& global) {
    CLI::App* data = app.add_subcommand("data", "Inspect the built-in data sets and folders of your own images");
    data->require_subcommand(1);

    auto preview = std::make_shared<PreviewOptions>();
    CLI::App* cmd = data->add_subcommand("preview", "Write a grid of samples as PNG and print their factors");
    cmd->add_option("--dataset", preview->dataset, "colormnist or colorfashion")
        ->check(CLI::IsMember(dataset_kind_names()))
        ->capture_default_str();
    cmd->add_option("--split", preview->split, "train or test (the test set is fixed)")
        ->check(CLI::IsMember({"train", "test"}))
        ->capture_default_str();
    cmd->add_option("--count", preview->count, "Number of samples")->capture_default_str();
    cmd->add_option("--columns", preview->columns, "Columns of the grid (default: square)");
    cmd->add_option("--seed", preview->seed, "Seed for the training colours and the choice of samples")->capture_default_str();
    cmd->add_option("--scale", preview->scale, "Integer magnification of each 32x32 sample")
        ->check(CLI::Range(1, 16))
        ->capture_default_str();
    cmd->add_flag("--no-captions", preview->no_captions, "Omit the class name under each sample");
    cmd->add_option("--images", preview->images,
                    "A folder of your own images instead (PNG/JPEG/BMP at the top, or one sub-folder per class); "
                    "unreadable files are skipped with a warning")
        ->check(CLI::ExistingDirectory);
    cmd->add_option("--attributes", preview->attributes,
                    "CSV of named attributes per image of --images: a \"file\" column (relative paths), then one "
                    "column per attribute")
        ->check(CLI::ExistingFile);
    cmd->add_option("--size", preview->size, "Size the images of --images are cropped and resized to (32, 64, 128)")
        ->check(CLI::Range(8, 512))
        ->capture_default_str();
    cmd->add_option("--out", preview->out, "PNG file to write")->required();
    cmd->callback([preview, &global] { run_preview(*preview, global); });

    auto info_dataset = std::make_shared<std::string>("colormnist");
    CLI::App* info = data->add_subcommand("info", "Print the sizes and classes of a data set");
    info->add_option("--dataset", *info_dataset, "colormnist or colorfashion")
        ->check(CLI::IsMember(dataset_kind_names()))
        ->capture_default_str();
    info->callback([info_dataset, &global] { run_info(*info_dataset, global); });
}

}  // namespace inv
