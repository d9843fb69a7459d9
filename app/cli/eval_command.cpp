#include "eval_command.h"

#include "analysis/evaluator.h"
#include "cli_error.h"
#include "inputs.h"
#include "report/result_json.h"
#include "model/encoder_model.h"
#include "progress_reporter.h"
#include "text_table.h"
#include "translation_inputs.h"
#include "translation_runs.h"

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <optional>

namespace headscope::cli {

namespace {

constexpr size_t kExamplesInJson = 8;

Json examplesFirst(const core::EncoderModel& model, const LoadedData& data, const core::EvalResult& r,
                   int maxLength)
{
    Json list = Json::array();
    const auto& examples = data.dataset.examples;
    for (size_t i = 0; i < examples.size() && i < kExamplesInJson; ++i) {
        const core::Example& ex = examples[i];
        const core::Encoding enc = model.tokenizer().encode(ex.textA, ex.textB, maxLength);
        Json e = Json::object();
        e["line"] = ex.line;
        e["text_a"] = ex.textA;
        e["text_b"] = ex.textB ? Json(*ex.textB) : Json(nullptr);
        e["tokens"] = enc.tokens;
        e["input_ids"] = enc.inputIds;
        e["token_type_ids"] = enc.tokenTypeIds;
        e["label"] = ex.label >= 0 ? Json(ex.label) : Json(nullptr);
        e["label_text"] = ex.labelText;
        e["logits"] = i < r.logits.size() ? Json(r.logits[i]) : Json(nullptr);
        e["prediction"] = i < r.predictions.size() ? Json(r.predictions[i]) : Json(nullptr);
        list.push_back(std::move(e));
    }
    return list;
}

// Agreement of this (reduced precision) run with an fp32 run of the same model.
Json fp32Agreement(const core::EncoderModel& model, const LoadedData& data, const core::EvalParams& params,
                   const core::EvalResult& r, ProgressReporter& progress)
{
    const ModelPtr fp32 = unwrap(model.to(model.deviceName(), core::Precision::Float32));
    const core::EvalResult ref =
        unwrap(core::evaluate(*fp32, data.encoded, params, progress.stage("eval fp32")));
    int64_t agree = 0;
    double maxDiff = 0.0;
    for (size_t i = 0; i < r.predictions.size() && i < ref.predictions.size(); ++i) {
        agree += r.predictions[i] == ref.predictions[i] ? 1 : 0;
        for (size_t k = 0; k < r.logits[i].size() && k < ref.logits[i].size(); ++k)
            maxDiff = std::max(maxDiff, double(std::fabs(r.logits[i][k] - ref.logits[i][k])));
    }
    const auto n = static_cast<int64_t>(std::min(r.predictions.size(), ref.predictions.size()));
    Json j = Json::object();
    j["prediction_agreement"] = n > 0 ? double(agree) / double(n) : 1.0;
    j["n"] = n;
    j["n_agree"] = agree;
    j["max_abs_logit_diff"] = maxDiff;
    j["accuracy_fp32"] = ref.accuracy;
    progress.finishLine();
    std::fprintf(stderr, "vs fp32  predictions agree on %lld/%lld examples (%.2f%%), max |logit diff| %.3g\n",
                 static_cast<long long>(agree), static_cast<long long>(n), n > 0 ? 100.0 * agree / n : 100.0,
                 maxDiff);
    return j;
}

} // namespace

CLI::App* EvalCommand::setup(CLI::App& app)
{
    CLI::App* sub =
        app.add_subcommand("eval", "Accuracy, logits and latency on a dataset, optionally with heads masked");
    sub->add_option("--model", m_modelDir, "Hugging Face model folder")->required()->type_name("DIR");
    sub->add_option("--data", m_dataPath, "Dataset file (tsv, csv, jsonl) of a classification model")
        ->type_name("FILE");
    sub->add_option("--mask", m_maskPath, "Mask file (json, hf, descriptor, csv, npy): heads to mask")
        ->type_name("MASK");
    sub->add_flag("--stream", m_stream,
                  "Write one JSON line per batch to stdout (examples done, the estimate of the final accuracy "
                  "and, with --mask, of the change against a baseline run made first, with 95% intervals)");
    sub->add_option("--sample", m_sample,
                    "Evaluate a stratified random sample of N examples (the streaming order's first N)")
        ->check(CLI::PositiveNumber)
        ->type_name("N");
    sub->add_option("--stop-width", m_stopWidthPoints,
                    "Stop once the 95% interval of the final change (without --mask: of the final accuracy) "
                    "is narrower than PTS points")
        ->check(CLI::PositiveNumber)
        ->type_name("PTS");
    m_orderSeed = core::kDefaultStreamingSeed;
    sub->add_option("--order-seed", m_orderSeed, "Seed of the streaming order")->capture_default_str();
    sub->add_flag("--compare-fp32", m_compareFp32,
                  "With --precision bf16/fp16: also run in fp32 and report prediction agreement");
    addDataOptions(*sub, m_data);
    addTranslationOptions(*sub, m_translation, "reference translations (BLEU, chrF)");
    addModelOptions(*sub, m_common);
    addOutputOptions(*sub, m_common);
    return sub;
}

void EvalCommand::run(Json& doc, ProgressReporter& progress)
{
    const bool translation = isTranslationModel(m_modelDir);
    checkDataArguments(m_modelDir, translation, m_dataPath, m_translation, true);
    if (translation) {
        if (m_sample > 0 || m_stopWidthPoints > 0.0 || m_compareFp32)
            throw badArgument("--sample, --stop-width and --compare-fp32 are for classification models");
        return runTranslationEval(doc, progress, {m_modelDir, m_translation, m_maskPath, m_data.limit, m_common},
                                  m_stream);
    }
    const auto [model, maxLength, requested, data] =
        loadCommandInputs(m_modelDir, m_dataPath, m_maskPath, m_data, m_common);

    core::EvalParams params;
    params.batchSize = m_common.batchSize;
    params.mask = effectiveMask(*model, requested);
    const bool streaming = m_stream || m_sample > 0 || m_stopWidthPoints > 0.0;
    if (streaming) {
        params.order = core::BatchOrder::Streaming;
        params.orderSeed = m_orderSeed;
        params.sampleSize = m_sample;
        params.stopBelowWidth = m_stopWidthPoints / 100.0;
    }
    const bool paired = streaming && params.mask != model->fullMask();
    const auto streamLine = [this](const char* phase) -> core::EvalPartialCallback {
        if (!m_stream)
            return {};
        return [phase](const core::EvalPartial& part) {
            Json line = core::report::toJson(part);
            line["phase"] = phase;
            const std::string text = line.dump() + "\n";
            std::fwrite(text.data(), 1, text.size(), stdout);
            std::fflush(stdout);
        };
    };
    std::optional<core::EvalResult> baseline;
    if (paired) {
        // The baseline on the same examples in the same order: its per-example outcomes pair
        // with the masked run's.
        core::EvalParams base = params;
        base.mask = model->fullMask();
        base.keepLogits = false;
        base.stopBelowWidth = 0.0; // the width asked for is the change's
        baseline = unwrap(core::evaluate(*model, data.encoded, base, progress.stage("baseline"), streamLine("baseline")));
        progress.finishLine();
        params.baselineCorrect = std::make_shared<const std::vector<uint8_t>>(baseline->correct);
    }
    const core::EvalResult r =
        unwrap(core::evaluate(*model, data.encoded, params, progress.stage("eval"), streamLine(paired ? "masked" : "eval")));
    progress.finishLine();

    const core::HeadMask reported = reportedMask(*model, requested);
    doc["model"] = modelJson(*model);
    doc["data"] = dataJson(data);
    doc["max_length"] = maxLength;
    doc["mask"] = maskJson(reported);
    doc["examples_first"] = examplesFirst(*model, data, r, maxLength);
    doc["results"][core::report::resultKey(r)] = core::report::toJson(r, m_common.batchSize);
    if (baseline)
        doc["baseline_accuracy"] = core::report::accuracyJson(baseline->nCorrect, baseline->n);

    if (!m_maskPath.empty())
        std::fprintf(stderr, "mask     %s: %d heads masked (%s), %d heads active\n", m_maskPath.c_str(),
                     reported.countMasked(), descriptorOf(reported).c_str(),
                     countActiveHeads(*model, params.mask));
    if (r.n > 0) {
        const core::Interval ci = r.accuracyInterval;
        std::fprintf(stderr, "accuracy %.4f [%.4f, %.4f] 95%% Wilson (%lld/%lld), mean loss %.4f\n",
                     r.accuracy, ci.low, ci.high, static_cast<long long>(r.nCorrect),
                     static_cast<long long>(r.n), r.meanLoss);
    } else {
        std::fprintf(stderr, "accuracy n/a (no labelled examples)\n");
    }
    if (!r.complete()) {
        const core::StreamingEstimate e = r.last.accuracyEstimate();
        std::fprintf(stderr, "%s: %lld of %lld examples; final accuracy estimated %.4f [%.4f, %.4f] 95%%\n",
                     r.coverage == core::EvalResult::Coverage::Sample ? "sample" : "stopped at the interval width",
                     static_cast<long long>(r.last.nLabelled), static_cast<long long>(r.last.nPopulation), e.value,
                     e.interval.low, e.interval.high);
    }
    if (r.last.paired) {
        const core::StreamingEstimate d = r.last.deltaEstimate();
        std::fprintf(stderr, "change   %+.2f pts (95%%: %+.2f to %+.2f) against the baseline's %.4f, %lld of %lld examples%s\n",
                     100.0 * d.value, 100.0 * d.interval.low, 100.0 * d.interval.high, baseline->accuracy,
                     static_cast<long long>(r.last.nLabelled), static_cast<long long>(r.last.nPopulation),
                     d.exact() ? " (exact)" : "");
    }
    std::fprintf(
        stderr,
        "latency  %.2f ms per batch of up to %d, %.3f ms per example, %.1f examples/s (%lld batches)\n",
        r.meanBatchMs, m_common.batchSize, r.msPerExample, r.examplesPerSecond,
        static_cast<long long>(r.nBatches));

    if (m_compareFp32 && model->precision() != core::Precision::Float32)
        doc["fp32_agreement"] = fp32Agreement(*model, data, params, r, progress);
}

} // namespace headscope::cli
