#include "bench_command.h"

#include "analysis/latency.h"
#include "cli_error.h"
#include "inputs.h"
#include "report/result_json.h"
#include "model/encoder_model.h"
#include "progress_reporter.h"
#include "text_table.h"
#include "translation_inputs.h"
#include "translation_runs.h"

#include <CLI/CLI.hpp>
#include <cstdio>

namespace headscope::cli {

CLI::App* BenchCommand::setup(CLI::App& app)
{
    CLI::App* sub = app.add_subcommand("bench", "Time forwards of the original, masked and pruned model");
    sub->add_option("--model", m_modelDir, "Hugging Face model folder")->required()->type_name("DIR");
    sub->add_option("--mask", m_maskPath, "Heads to mask / prune (without it only the original is timed)")
        ->type_name("MASK");
    m_batchSizesOption = sub->add_option("--batch-sizes", m_batchSizes, "Batch sizes (comma list; translation models: 1,32)")
        ->delimiter(',')
        ->check(CLI::Range(1, 1 << 16))
        ->capture_default_str();
    sub->add_option("--seq-len", m_seqLengths, "Sequence lengths in tokens (repeat or comma list)")
        ->delimiter(',')
        ->check(CLI::Range(2, 1 << 16))
        ->capture_default_str();
    m_warmupOption = sub->add_option("--warmup", m_warmup, "Untimed runs per shape and variant (translation models: 1)")
        ->check(CLI::Range(0, 1000))
        ->capture_default_str();
    m_runsOption = sub->add_option("--runs", m_runs, "Timed runs per shape and variant (translation models: 3 passes over --src)")
        ->check(CLI::Range(1, 10000000))
        ->capture_default_str();
    addTranslationOptions(*sub, m_translation, "not used by bench");
    sub->add_option("--limit", m_limit, "Translation models: the first N sentences of --src only")
        ->check(CLI::NonNegativeNumber);
    addModelOptions(*sub, m_common);
    addOutputOptions(*sub, m_common);
    return sub;
}

void BenchCommand::run(Json& doc, ProgressReporter& progress)
{
    const bool translation = isTranslationModel(m_modelDir);
    if (translation) {
        if (m_translation.sourcePath.empty())
            throw badArgument("timing a translation model decodes a test set: give --src FILE");
        TranslationLatencyOptions options;
        if (m_batchSizesOption->count() > 0) options.batchSizes = m_batchSizes;
        if (m_warmupOption->count() > 0) options.warmupRuns = m_warmup;
        if (m_runsOption->count() > 0) options.timedRuns = m_runs;
        return runTranslationLatency(doc, progress, {m_modelDir, m_translation, m_maskPath, m_limit, m_common},
                                     options);
    }
    if (m_translation.given())
        throw badArgument("--src and --ref are for translation models; " + m_modelDir + " is a classifier");
    const ModelPtr model = loadModel(m_modelDir, m_common);
    for (int s : m_seqLengths) {
        if (s > model->config().maxPositionEmbeddings)
            throw badArgument("--seq-len " + std::to_string(s) + " exceeds the model's " +
                              std::to_string(model->config().maxPositionEmbeddings) + " positions");
    }
    const core::HeadMask requested = m_maskPath.empty() ? core::HeadMask() : loadMask(m_maskPath, *model);
    printModelSummary(*model);

    core::LatencyParams params;
    params.batchSizes = m_batchSizes;
    params.seqLengths = m_seqLengths;
    params.warmupRuns = m_warmup;
    params.timedRuns = m_runs;
    params.seed = m_common.seed;
    if (!requested.empty()) params.mask = effectiveMask(*model, requested);
    params.includeMasked = params.includePruned = !requested.empty();

    const core::LatencyResult r = unwrap(core::measureLatency(*model, params, progress.stage("bench")));
    progress.finishLine();

    doc["model"] = modelJson(*model);
    doc["mask"] = maskJson(reportedMask(*model, requested));
    doc["results"][core::report::resultKey(r)] = core::report::toJson(r);

    std::fprintf(stderr, "latency on %s, %d threads (%d warm-up + %d timed runs per row):\n",
                 r.device.c_str(), r.nThreads, m_warmup, m_runs);
    std::vector<std::vector<std::string>> rows{
        {"variant", "batch", "seq", "median ms", "q1 ms", "q3 ms", "examples/s", "parameters", "speed-up"}};
    for (const auto& m : r.measurements) {
        const double speedup =
            m.variant == "original" ? 1.0 : core::speedupOf(r, m.variant, m.batchSize, m.seqLength);
        rows.push_back({m.variant, std::to_string(m.batchSize), std::to_string(m.seqLength),
                        formatNumber(m.medianMs, 2), formatNumber(m.q1Ms, 2), formatNumber(m.q3Ms, 2),
                        formatNumber(m.examplesPerSecond, 1), formatCount(m.nParameters),
                        formatNumber(speedup, 3) + "x"});
    }
    printTable(rows);
    if (!requested.empty())
        std::fprintf(stderr, "ideal (FLOP) speed-up of the pruned model: %.3fx\n", r.idealSpeedup);
}

} // namespace headscope::cli
