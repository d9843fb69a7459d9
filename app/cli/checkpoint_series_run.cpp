#include "checkpoint_series_run.h"

#include "cli_error.h"
#include "demo/demo_location.h"
#include "progress_reporter.h"
#include "report/result_json.h"
#include "report/translation_json.h"
#include "text_table.h"
#include "translation_inputs.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace headscope::cli {

std::string resolveCheckpointsDir(const std::string& dir)
{
    if (dir == "demo") {
        const auto demo = core::findClassificationDemo(core::executableDirectory());
        if (!demo) throw core::ErrorException({core::ErrorCode::FileNotFound, "the bundled demo is not installed", dir, {}});
        return demo->checkpointsDir;
    }
    if (dir == "demo-translation") {
        const auto demo = core::findTranslationDemo(core::executableDirectory());
        if (!demo)
            throw core::ErrorException(
                {core::ErrorCode::FileNotFound, "the bundled translation demo is not installed", dir, {}});
        return demo->checkpointsDir;
    }
    return dir;
}

bool isTranslationCheckpoints(const std::string& dir)
{
    const auto list = core::listCheckpoints(resolveCheckpointsDir(dir));
    return list && isTranslationModel(list->front().path);
}

void runCheckpointSeries(Json& doc, ProgressReporter& progress, const std::string& dir, const std::string& dataPath,
                         const DataOptions& dataOptions, const CommonOptions& common,
                         core::CheckpointSeriesParams params)
{
    const std::string folder = resolveCheckpointsDir(dir);
    const auto list = unwrap(core::listCheckpoints(folder));
    params.dataPath = core::resolveDemoData(dataPath, core::executableDirectory());
    params.dataOptions = dataOptions.toCore();
    params.load.device = common.device;
    params.load.nThreads = common.threads;
    if (!core::parsePrecision(common.precision, params.load.precision))
        throw badArgument("--precision: unknown precision \"" + common.precision + "\"");
    std::fprintf(stderr, "checkpoints %s: %zu (%s ... %s)\n", folder.c_str(), list.size(), list.front().name.c_str(),
                 list.back().name.c_str());

    auto onCheckpoint = [&progress](const core::CheckpointAnalysis& c) {
        progress.finishLine();
        std::string line = c.checkpoint.name + ":";
        if (c.curves && !c.curves->curves.empty()) {
            const auto& curve = c.curves->curves.front();
            const double base = c.curves->baselineAccuracy();
            // The largest share of heads pruned while staying within one point of the unpruned accuracy.
            double within = 0.0;
            for (const auto& p : curve.points)
                if (p.accuracy >= base - 0.01) within = std::max(within, p.percent);
            line += " unpruned accuracy " + formatNumber(base, 4) + ", " + formatNumber(within, 0) +
                    "% of heads pruned within 1 point (by " + core::pruneOrderName(curve.order) + ")";
        }
        if (c.importance) line += " importance over " + std::to_string(c.importance->nExamples) + " examples";
        std::fprintf(stderr, "%s\n", line.c_str());
    };
    const core::CheckpointSeriesResult r =
        unwrap(core::analyzeCheckpoints(list, params, progress.stage("checkpoints"), onCheckpoint));
    progress.finishLine();

    doc["checkpoints_dir"] = folder;
    doc["data"] = core::report::dataJson(r.data);
    doc["results"][core::report::resultKey(r)] = core::report::toJson(r);
}

void runTranslationCheckpointSeries(Json& doc, ProgressReporter& progress, const std::string& dir,
                                    const TranslationOptions& translation, int64_t limit, const CommonOptions& common,
                                    core::TranslationCheckpointSeriesParams params)
{
    const std::string folder = resolveCheckpointsDir(dir);
    const auto list = unwrap(core::listCheckpoints(folder));
    const std::string exeDir = core::executableDirectory();
    params.sourcePath = core::resolveTranslationDemoData(translation.sourcePath, false, exeDir);
    params.referencePath = core::resolveTranslationDemoData(translation.referencePath, true, exeDir);
    params.setOptions.limit = limit;
    params.load.device = common.device;
    params.load.nThreads = common.threads;
    if (!core::parsePrecision(common.precision, params.load.precision))
        throw badArgument("--precision: unknown precision \"" + common.precision + "\"");
    params.importanceParams.batchSize = common.batchSize;
    params.curveParams.importance = params.importanceParams;
    params.curveParams.decode = decodeParams(translation, common);
    std::fprintf(stderr, "checkpoints %s: %zu (%s ... %s)\n", folder.c_str(), list.size(), list.front().name.c_str(),
                 list.back().name.c_str());

    auto onCheckpoint = [&progress](const core::TranslationCheckpointAnalysis& c) {
        progress.finishLine();
        std::string line = c.checkpoint.name + ": BLEU " + formatNumber(c.bleu, 2);
        if (c.importance) line += ", mean loss " + formatNumber(c.importance->meanLoss, 4);
        if (c.curves) {
            // Per curve: the largest share of its heads pruned while staying within one BLEU
            // point of the unpruned model (the paper's reading of Figure 5).
            for (const auto& curve : c.curves->curves) {
                double within = 0.0;
                for (const auto& p : curve.points)
                    if (p.bleu >= c.curves->baselineBleu - 1.0) within = std::max(within, p.percent);
                line += std::string(", ") + core::pruneScopeName(curve.scope) + " " + formatNumber(within, 0) + "%";
            }
            line += " of heads pruned within 1 BLEU";
        }
        std::fprintf(stderr, "%s\n", line.c_str());
    };
    const core::TranslationCheckpointSeriesResult r = unwrap(
        core::analyzeTranslationCheckpoints(list, params, progress.stage("checkpoints"), onCheckpoint));
    progress.finishLine();

    doc["checkpoints_dir"] = folder;
    doc["data"] = {{"source", r.sourcePath}, {"reference", r.referencePath}, {"n", r.nSentences}};
    doc["results"][core::report::resultKey(r)] = core::report::toJson(r);
}

} // namespace headscope::cli
