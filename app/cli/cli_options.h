#pragma once
// Options shared by the subcommands: output and logging, model/runtime, dataset columns.
#include "data/dataset.h"

#include <cstdint>
#include <string>

namespace CLI {
class App;
class Option;
} // namespace CLI

namespace headscope::cli {

struct CommonOptions
{
    // Output (every subcommand)
    std::string jsonPath; // "" = no JSON, "-" = stdout
    std::string logLevel = "warn";
    bool progress = false; // progress even when stderr is not a terminal
    // Model and runtime (subcommands that load a model)
    std::string device = "cpu";
    std::string precision = "fp32";
    int batchSize = 32;
    int threads = 0; // 0 = every usable core
    uint64_t seed = 42;
    int maxLength = 0; // 0 = min(model positions, tokenizer model_max_length)
};

struct DataOptions
{
    std::string format = "auto";
    std::string textColumn;
    std::string textBColumn;
    std::string labelColumn;
    bool hasHeader = false;
    CLI::Option* headerOption = nullptr; // tells "given" from "guess"
    bool strict = false;
    int64_t limit = 0;

    /// The core's loader options (header: unset unless --has-header/--no-header was given).
    core::DatasetOptions toCore() const;
};

/// The test set and decoding of translation models (model_type marian).
struct TranslationOptions
{
    std::string sourcePath;    // --src
    std::string referencePath; // --ref
    int beamSize = 0;          // --beam: 0 = the model's num_beams

    bool given() const { return !sourcePath.empty() || !referencePath.empty(); }
};

/// --json, --log-level, --progress.
void addOutputOptions(CLI::App& app, CommonOptions& options);
/// --device, --precision, --batch-size, --threads, --seed, --max-length.
void addModelOptions(CLI::App& app, CommonOptions& options);
/// --format, --text-col, --text-b-col, --label-col, --has-header/--no-header, --strict, --limit.
void addDataOptions(CLI::App& app, DataOptions& options);

/// --src, --ref (referenceHelp says what the references are for), --beam.
void addTranslationOptions(CLI::App& app, TranslationOptions& options, const std::string& referenceHelp);

/// Checks values CLI11 cannot (device spelling, precision name); throws CliError (exit 2).
void validateModelOptions(const CommonOptions& options);

} // namespace headscope::cli
