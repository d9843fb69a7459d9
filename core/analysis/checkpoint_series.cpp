#include "analysis/checkpoint_series.h"

#include "analysis/dataset_loader.h"
#include "util/error.h"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <filesystem>

namespace headscope::core {

namespace {

constexpr int64_t kStageScale = 1000; // each stage of a series' progress on 0..kStageScale

int lastNumberIn(const std::string& name)
{
    size_t end = name.size();
    while (end > 0 && !std::isdigit(static_cast<unsigned char>(name[end - 1])))
        --end;
    size_t begin = end;
    while (begin > 0 && std::isdigit(static_cast<unsigned char>(name[begin - 1])))
        --begin;
    if (begin == end || end - begin > 6)
        return -1;
    return std::stoi(name.substr(begin, end - begin));
}

} // namespace

Result<std::vector<CheckpointInfo>> listCheckpoints(const std::string& dir)
{
    return captureResult([&]() {
        namespace fs = std::filesystem;
        std::error_code ec;
        if (!fs::is_directory(dir, ec))
            fail(ErrorCode::FileNotFound, "the checkpoint folder does not exist", dir);
        std::vector<CheckpointInfo> out;
        for (const auto& entry : fs::directory_iterator(dir, ec)) {
            if (!entry.is_directory(ec) || !fs::exists(entry.path() / "config.json", ec))
                continue;
            const std::string name = entry.path().filename().string();
            out.push_back({name, entry.path().string(), lastNumberIn(name)});
        }
        if (ec)
            fail(ErrorCode::InvalidFile, "cannot list the checkpoint folder", dir, ec.message());
        if (out.empty())
            fail(ErrorCode::InvalidFile, "no checkpoint (a sub-folder with a config.json) in the folder", dir);
        std::sort(out.begin(), out.end(), [](const CheckpointInfo& a, const CheckpointInfo& b) {
            return a.epoch != b.epoch ? a.epoch < b.epoch : a.name < b.name;
        });
        return out;
    });
}

Progress checkpointStageProgress(const Progress& progress, int64_t checkpoint, int64_t nCheckpoints,
                                 int64_t stagesPer, int64_t stage)
{
    if (!progress)
        return {};
    const int64_t base = (checkpoint * stagesPer + stage) * kStageScale;
    const int64_t total = nCheckpoints * stagesPer * kStageScale;
    return [&progress, base, total](int64_t done, int64_t stageTotal) {
        const int64_t part = stageTotal > 0 ? std::min(kStageScale, done * kStageScale / stageTotal) : 0;
        return progress(base + part, total);
    };
}

Result<CheckpointSeriesResult> analyzeCheckpoints(const std::vector<CheckpointInfo>& checkpoints,
                                                  const CheckpointSeriesParams& params, const Progress& progress,
                                                  const CheckpointCallback& onCheckpoint)
{
    return captureResult([&]() {
        if (checkpoints.empty())
            fail(ErrorCode::InvalidArgument, "no checkpoint to analyse");
        if (!params.importance && !params.pruneCurves)
            fail(ErrorCode::InvalidArgument, "choose importance, pruning curves or both");
        const auto start = std::chrono::steady_clock::now();
        const int64_t n = int64_t(checkpoints.size());
        const int64_t stagesPer = (params.importance ? 1 : 0) + (params.pruneCurves ? 1 : 0);
        CheckpointSeriesResult out;
        for (int64_t i = 0; i < n; ++i) {
            const CheckpointInfo& info = checkpoints[size_t(i)];
            auto scaled = [&](int64_t stage) { return checkpointStageProgress(progress, i, n, stagesPer, stage); };
            if (progress && !scaled(0)(0, 1))
                fail(ErrorCode::Cancelled, "checkpoint analysis cancelled");
            auto model = EncoderModel::load(info.path, params.load);
            if (!model)
                throw ErrorException(model.error());
            const EncoderModel& m = *model.value();
            auto data = loadEncodedDataset(params.dataPath, params.dataOptions, m, defaultMaxLength(m));
            if (!data)
                throw ErrorException(data.error());

            if (i == 0)
                out.data = summarizeDataset(data->dataset);
            CheckpointAnalysis one;
            one.checkpoint = info;
            one.nLayers = m.nLayers();
            one.nHeads = m.nHeads();
            one.nParameters = m.parameterCount();
            int64_t stage = 0;
            if (params.importance) {
                ImportanceParams ip = params.importanceParams;
                ip.mask = m.fullMask();
                auto r = computeImportance(m, data->encoded, ip, scaled(stage++));
                if (!r)
                    throw ErrorException(r.error());
                one.importance = std::move(r).value();
            }
            if (params.pruneCurves) {
                PruneCurveSetParams cp = params.curveParams;
                cp.importanceScores.clear();
                cp.ablationDeltas.clear();
                // This checkpoint's own importance orders its importance curve.
                if (one.importance && cp.base.importance.method == one.importance->params.method &&
                    cp.base.importance.normalization == one.importance->params.normalization &&
                    cp.base.importance.batchSize == one.importance->params.batchSize)
                    cp.importanceScores = one.importance->normalized;
                auto r = computePruneCurves(m, data->encoded, cp, scaled(stage++));
                if (!r)
                    throw ErrorException(r.error());
                one.curves = std::move(r).value();
            }
            if (onCheckpoint)
                onCheckpoint(one);
            out.checkpoints.push_back(std::move(one));
        }
        out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        return out;
    });
}

} // namespace headscope::core
