#include "cli_options.h"

#include "cli_error.h"
#include "model/encoder_model.h"

#include <CLI/CLI.hpp>
#include <regex>

namespace headscope::cli {

core::DatasetOptions DataOptions::toCore() const
{
    core::DatasetOptions o;
    o.format = core::datasetFormatFromName(format);
    o.textColumn = textColumn;
    o.textBColumn = textBColumn;
    o.labelColumn = labelColumn;
    if (headerOption && headerOption->count() > 0) o.hasHeader = hasHeader;
    o.strict = strict;
    o.limit = limit;
    return o;
}

void addOutputOptions(CLI::App& app, CommonOptions& options)
{
    app.add_option("--json", options.jsonPath, "Write the results as one JSON object to FILE (- for stdout)")
        ->type_name("FILE");
    app.add_option("--log-level", options.logLevel, "Log level on stderr")
        ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error", "critical", "off"}))
        ->capture_default_str();
    app.add_flag("--progress", options.progress, "Show progress on stderr even when it is not a terminal");
}

void addModelOptions(CLI::App& app, CommonOptions& options)
{
    app.add_option("--device", options.device, "Device: cpu, cuda or cuda:N")->capture_default_str();
    app.add_option("--precision", options.precision, "Compute precision (bf16: fast mode, fp32: exact)")
        ->check(CLI::IsMember({"fp32", "bf16", "fp16"}))
        ->capture_default_str();
    app.add_option("--batch-size", options.batchSize, "Examples per forward pass")
        ->check(CLI::Range(1, 1 << 20))
        ->capture_default_str();
    app.add_option("--threads", options.threads, "CPU threads (0 = all usable cores)")
        ->check(CLI::Range(0, 4096))
        ->capture_default_str();
    app.add_option("--seed", options.seed, "Seed for random orders and random inputs")->capture_default_str();
    app.add_option("--max-length", options.maxLength,
                   "Maximum tokens per example (0 = the model's and tokenizer's limit)")
        ->check(CLI::Range(0, 1 << 20))
        ->capture_default_str();
}

void addDataOptions(CLI::App& app, DataOptions& options)
{
    app.add_option("--format", options.format, "Dataset format (auto: from the file extension)")
        ->check(CLI::IsMember({"auto", "tsv", "csv", "jsonl"}))
        ->capture_default_str();
    app.add_option("--text-col", options.textColumn, "Column of the (first) text, by name or 0-based index")
        ->type_name("COL");
    app.add_option("--text-b-col", options.textBColumn, "Column of the second text of a pair")
        ->type_name("COL");
    app.add_option("--label-col", options.labelColumn, "Column of the label")->type_name("COL");
    options.headerOption = app.add_flag("--has-header,!--no-header", options.hasHeader,
                                        "Whether the first line is a header (default: guess)");
    app.add_flag("--strict", options.strict, "Stop at the first malformed line instead of skipping it");
    app.add_option("--limit", options.limit, "Use only the first N examples (0 = all)")
        ->check(CLI::Range(int64_t(0), std::numeric_limits<int64_t>::max()))
        ->capture_default_str();
}

void addTranslationOptions(CLI::App& app, TranslationOptions& options, const std::string& referenceHelp)
{
    app.add_option("--src", options.sourcePath,
                   "Translation models: source sentences, one UTF-8 line each (demo:test, demo:test_ood: the "
                   "translation demo's; --model demo-translation is its model)")
        ->type_name("FILE");
    app.add_option("--ref", options.referencePath, "Translation models: " + referenceHelp)->type_name("FILE");
    app.add_option("--beam", options.beamSize, "Translation models: beam size (0 = the model's num_beams)")
        ->check(CLI::Range(0, 256))
        ->capture_default_str();
}

void validateModelOptions(const CommonOptions& options)
{
    static const std::regex devicePattern("cpu|cuda(:[0-9]+)?");
    if (!std::regex_match(options.device, devicePattern))
        throw badArgument("--device: expected cpu, cuda or cuda:N, got \"" + options.device + "\"");
    core::Precision precision;
    if (!core::parsePrecision(options.precision, precision))
        throw badArgument("--precision: unknown precision \"" + options.precision + "\"");
}

} // namespace headscope::cli
