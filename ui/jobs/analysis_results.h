#pragma once
// What the analyses hand to the UI: the core's own result values, immutable and shared
// (std::shared_ptr<const T>), tagged with the generation of the job that made them so that a page
// can tell a fresh run from an update of the one it shows. No mirror of the core structs: the
// export, the session file and the pages all read the same value.
#include "analysis/attention_stats.h"
#include "analysis/checkpoint_series.h"
#include "analysis/compare.h"
#include "analysis/importance.h"
#include "analysis/latency.h"
#include "analysis/prune_curve.h"
#include "analysis/translation_ablation.h"
#include "analysis/translation_checkpoint_series.h"
#include "analysis/translation_eval.h"
#include "analysis/translation_importance.h"
#include "analysis/translation_prune_curve.h"

#include <QMetaType>
#include <QtGlobal>
#include <memory>

namespace headscope::ui {

template <class T>
struct Delivered
{
    quint64 generation = 0;
    std::shared_ptr<const T> value;

    bool isValid() const { return value != nullptr; }
    const T& operator*() const { return *value; }
    const T* operator->() const { return value.get(); }
};

using ImportanceResults = Delivered<core::ImportanceResult>;
/// Single-head or keep-one; partial (value->complete() false) while layers finish.
using AblationResults = Delivered<core::AblationResult>;
using EntropyResults = Delivered<core::EntropyResult>;
/// One curve per order; points arrive one by one.
using CurveResults = Delivered<core::PruneCurveSet>;
using LatencyResults = Delivered<core::LatencyResult>;
using CompareResults = Delivered<core::CompareResult>;
using AttentionResults = Delivered<core::AttentionView>;
/// Importance and pruning curves of each checkpoint of a training run; checkpoints arrive one by one.
using DynamicsResults = Delivered<core::CheckpointSeriesResult>;

// Translation models (TranslationController): the three attention types in each value.
using TranslationEvalResults = Delivered<core::TranslationEvalResult>;
using TranslationImportanceResults = Delivered<core::TranslationImportanceResult>;
/// Partial (value->complete() false) while layers finish.
using TranslationAblationResults = Delivered<core::TranslationAblationResult>;
/// Points arrive one by one (value->complete false until the end).
using TranslationCurveResults = Delivered<core::TranslationPruneCurveSet>;
/// Every checkpoint of a training run (the finished ones while the series runs).
using TranslationDynamicsResults = Delivered<core::TranslationCheckpointSeriesResult>;

} // namespace headscope::ui

Q_DECLARE_METATYPE(headscope::ui::ImportanceResults)
Q_DECLARE_METATYPE(headscope::ui::AblationResults)
Q_DECLARE_METATYPE(headscope::ui::EntropyResults)
Q_DECLARE_METATYPE(headscope::ui::CurveResults)
Q_DECLARE_METATYPE(headscope::ui::LatencyResults)
Q_DECLARE_METATYPE(headscope::ui::CompareResults)
Q_DECLARE_METATYPE(headscope::ui::AttentionResults)
Q_DECLARE_METATYPE(headscope::ui::DynamicsResults)
Q_DECLARE_METATYPE(headscope::ui::TranslationEvalResults)
Q_DECLARE_METATYPE(headscope::ui::TranslationImportanceResults)
Q_DECLARE_METATYPE(headscope::ui::TranslationAblationResults)
Q_DECLARE_METATYPE(headscope::ui::TranslationCurveResults)
Q_DECLARE_METATYPE(headscope::ui::TranslationDynamicsResults)
