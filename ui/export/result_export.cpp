#include "export/result_export.h"

#include "jobs/analysis_controller.h"
#include "mask/mask_file.h"

#include <QDir>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSaveFile>
#include <cmath>

namespace headscope::ui::resultexport {

namespace {

QByteArray number(double v)
{
    return std::isfinite(v) ? QByteArray::number(v, 'g', 10) : QByteArray();
}

QJsonValue jsonNumber(double v)
{
    return std::isfinite(v) ? QJsonValue(v) : QJsonValue(QJsonValue::Null);
}

QJsonArray matrixArray(const core::Matrix& m)
{
    QJsonArray rows;
    for (const auto& row : m) {
        QJsonArray r;
        for (double v : row)
            r.append(jsonNumber(v));
        rows.append(r);
    }
    return rows;
}

QJsonObject encoderSelf(const QJsonValue& value)
{
    return QJsonObject{
        {QString::fromLatin1(core::attentionTypeName(core::AttentionType::EncoderSelf)), value}};
}

QString descriptorOf(const core::HeadMask& mask)
{
    return QString::fromStdString(core::maskToDescriptor(core::MaskSet::fromMask(mask)));
}

QJsonObject prunedHeads(const core::HeadMask& mask)
{
    QJsonObject layers;
    const auto perLayer = mask.maskedPerLayer();
    for (size_t l = 0; l < perLayer.size(); ++l) {
        if (perLayer[l].empty()) continue;
        QJsonArray heads;
        for (int h : perLayer[l])
            heads.append(h);
        layers.insert(QString::number(l), heads);
    }
    return encoderSelf(layers);
}

QJsonObject ablationJson(const AblationResults& r)
{
    return QJsonObject{
        {QStringLiteral("baseline"), QJsonObject{{QStringLiteral("metric"), QStringLiteral("accuracy")},
                                                 {QStringLiteral("value"), r.baselineAccuracy},
                                                 {QStringLiteral("n"), qint64(r.n)}}},
        {QStringLiteral("accuracy"), encoderSelf(matrixArray(r.accuracy))},
        {QStringLiteral("delta"), encoderSelf(matrixArray(r.delta))},
        {QStringLiteral("p_ttest"), encoderSelf(matrixArray(r.pTTest))},
        {QStringLiteral("p_mcnemar"), encoderSelf(matrixArray(r.pMcNemar))},
        {QStringLiteral("complete"), r.finished},
        {QStringLiteral("seconds"), r.seconds}};
}

} // namespace

QByteArray matrixCsv(const core::Matrix& m)
{
    size_t nHeads = 0;
    for (const auto& row : m)
        nHeads = std::max(nHeads, row.size());
    QByteArray out = "layer";
    for (size_t h = 0; h < nHeads; ++h)
        out += ",head_" + QByteArray::number(qulonglong(h));
    out += '\n';
    for (size_t l = 0; l < m.size(); ++l) {
        out += QByteArray::number(qulonglong(l));
        for (size_t h = 0; h < nHeads; ++h)
            out += ',' + (h < m[l].size() ? number(m[l][h]) : QByteArray());
        out += '\n';
    }
    return out;
}

QByteArray curvesCsv(const CurveResults& curves)
{
    QByteArray out = "order,percent,n_pruned,accuracy,ci_low,ci_high,n_parameters,descriptor\n";
    for (const auto& s : curves.series)
        for (const auto& p : s.points)
            out += QByteArray(core::pruneOrderName(s.order)) + ',' + number(p.percent) + ',' +
                   QByteArray::number(p.nPruned) + ',' + number(p.accuracy) + ',' +
                   number(p.accuracyInterval.low) + ',' + number(p.accuracyInterval.high) + ',' +
                   QByteArray::number(qint64(p.nParameters)) + ",\"" + descriptorOf(p.mask).toUtf8() + "\"\n";
    return out;
}

QByteArray latencyCsv(const LatencyResults& latency)
{
    QByteArray out =
        "variant,batch_size,seq_length,median_ms,q1_ms,q3_ms,examples_per_second,speedup,n_parameters\n";
    const auto& r = latency.result;
    for (const auto& m : r.measurements)
        out += QByteArray::fromStdString(m.variant) + ',' + QByteArray::number(m.batchSize) + ',' +
               QByteArray::number(m.seqLength) + ',' + number(m.medianMs) + ',' + number(m.q1Ms) + ',' +
               number(m.q3Ms) + ',' + number(m.examplesPerSecond) + ',' +
               number(core::speedupOf(r, m.variant, m.batchSize, m.seqLength)) + ',' +
               QByteArray::number(qint64(m.nParameters)) + '\n';
    return out;
}

QByteArray compareCsv(const CompareResults& compare)
{
    QByteArray out = "layer,head,a,b\n";
    for (size_t l = 0; l < compare.a.size() && l < compare.b.size(); ++l)
        for (size_t h = 0; h < compare.a[l].size() && h < compare.b[l].size(); ++h)
            out += QByteArray::number(qulonglong(l)) + ',' + QByteArray::number(qulonglong(h)) + ',' +
                   number(compare.a[l][h]) + ',' + number(compare.b[l][h]) + '\n';
    return out;
}

bool hasResults(const AnalysisController& a)
{
    return a.importance().isValid() || a.ablation().isValid() || a.keepOne().isValid() ||
           a.entropy().isValid() || a.curves().isValid() || a.latency().isValid() || a.comparison().isValid();
}

QJsonObject resultsJson(const AnalysisController& a)
{
    QJsonObject doc{{QStringLiteral("schema"), 1},
                    {QStringLiteral("producer"), QStringLiteral("headscope-gui")}};
    if (const auto& r = a.importance(); r.isValid())
        doc.insert(
            QStringLiteral("importance"),
            QJsonObject{{QStringLiteral("method"), QString::fromLatin1(core::importanceMethodName(r.method))},
                        {QStringLiteral("normalization"),
                         QString::fromLatin1(core::normalizationName(r.normalization))},
                        {QStringLiteral("importance"), encoderSelf(matrixArray(r.normalized))},
                        {QStringLiteral("importance_raw"), encoderSelf(matrixArray(r.raw))},
                        {QStringLiteral("n_examples"), qint64(r.nExamples)},
                        {QStringLiteral("n_tokens"), qint64(r.nTokens)},
                        {QStringLiteral("seconds"), r.seconds}});
    if (a.ablation().isValid()) doc.insert(QStringLiteral("ablation"), ablationJson(a.ablation()));
    if (a.keepOne().isValid()) doc.insert(QStringLiteral("keep_one"), ablationJson(a.keepOne()));
    if (a.entropy().isValid())
        doc.insert(QStringLiteral("entropy"), encoderSelf(matrixArray(a.entropy().entropy)));
    if (const auto& c = a.curves(); c.isValid()) {
        QJsonArray curves;
        for (const auto& s : c.series) {
            QJsonArray points;
            for (const auto& p : s.points)
                points.append(QJsonObject{{QStringLiteral("percent"), p.percent},
                                          {QStringLiteral("n_pruned"), p.nPruned},
                                          {QStringLiteral("accuracy"),
                                           QJsonObject{{QStringLiteral("value"), p.accuracy},
                                                       {QStringLiteral("low"), p.accuracyInterval.low},
                                                       {QStringLiteral("high"), p.accuracyInterval.high}}},
                                          {QStringLiteral("n_parameters"), qint64(p.nParameters)},
                                          {QStringLiteral("descriptor"), descriptorOf(p.mask)},
                                          {QStringLiteral("pruned"), prunedHeads(p.mask)}});
            curves.append(
                QJsonObject{{QStringLiteral("order"), QString::fromLatin1(core::pruneOrderName(s.order))},
                            {QStringLiteral("points"), points}});
        }
        doc.insert(QStringLiteral("prune_curves"),
                   QJsonObject{{QStringLiteral("step_percent"), c.stepPercent},
                               {QStringLiteral("rescore"), c.rescore},
                               {QStringLiteral("min_heads_per_layer"), c.minHeadsPerLayer},
                               {QStringLiteral("seed"), qint64(c.seed)},
                               {QStringLiteral("curves"), curves}});
    }
    if (const auto& l = a.latency(); l.isValid()) {
        QJsonArray rows;
        for (const auto& m : l.result.measurements)
            rows.append(QJsonObject{
                {QStringLiteral("variant"), QString::fromStdString(m.variant)},
                {QStringLiteral("batch_size"), m.batchSize},
                {QStringLiteral("seq_length"), m.seqLength},
                {QStringLiteral("median_ms"), m.medianMs},
                {QStringLiteral("q1_ms"), m.q1Ms},
                {QStringLiteral("q3_ms"), m.q3Ms},
                {QStringLiteral("examples_per_second"), m.examplesPerSecond},
                {QStringLiteral("speedup"), core::speedupOf(l.result, m.variant, m.batchSize, m.seqLength)},
                {QStringLiteral("n_parameters"), qint64(m.nParameters)}});
        doc.insert(QStringLiteral("latency"),
                   QJsonObject{{QStringLiteral("device"), QString::fromStdString(l.result.device)},
                               {QStringLiteral("threads"), l.result.nThreads},
                               {QStringLiteral("ideal_speedup"),
                                l.flopsPruned > 0 ? l.flopsOriginal / l.flopsPruned : 1.0},
                               {QStringLiteral("pruned"), prunedHeads(l.mask)},
                               {QStringLiteral("measurements"), rows}});
    }
    if (const auto& c = a.comparison(); c.isValid())
        doc.insert(QStringLiteral("compare"),
                   QJsonObject{{QStringLiteral("what"), c.what},
                               {QStringLiteral("data"), c.pathA},
                               {QStringLiteral("data2"), c.pathB},
                               {QStringLiteral("a"), encoderSelf(matrixArray(c.a))},
                               {QStringLiteral("b"), encoderSelf(matrixArray(c.b))},
                               {QStringLiteral("pearson"), jsonNumber(c.pearson)},
                               {QStringLiteral("spearman"), jsonNumber(c.spearman)},
                               {QStringLiteral("n"), c.nHeads}});
    return doc;
}

namespace {

bool writeFile(const QString& path, const QByteArray& bytes, QString* error)
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(bytes) != bytes.size() || !file.commit()) {
        *error = QStringLiteral("%1: could not write the file (%2)").arg(path, file.errorString());
        return false;
    }
    return true;
}

} // namespace

core::Result<QStringList> writeResults(const AnalysisController& a, const QString& path, Format format)
{
    QString error;
    auto failure = [&error, &path]() {
        return core::Error{core::ErrorCode::InvalidFile, error.toStdString(), path.toStdString(), {}};
    };
    if (format == Format::Json) {
        if (!writeFile(path, QJsonDocument(resultsJson(a)).toJson(QJsonDocument::Indented), &error))
            return failure();
        return QStringList{path};
    }
    if (!QDir().mkpath(path)) {
        error = QStringLiteral("%1: could not create the folder").arg(path);
        return failure();
    }
    QList<QPair<QString, QByteArray>> files;
    if (const auto& r = a.importance(); r.isValid()) {
        files.append({QStringLiteral("importance.csv"), matrixCsv(r.normalized)});
        files.append({QStringLiteral("importance_raw.csv"), matrixCsv(r.raw)});
    }
    for (const auto* r : {&a.ablation(), &a.keepOne()}) {
        if (!r->isValid()) continue;
        const QString stem = r->mode == core::AblationMode::SingleHead ? QStringLiteral("ablation")
                                                                       : QStringLiteral("keep_one");
        files.append({stem + QStringLiteral("_accuracy.csv"), matrixCsv(r->accuracy)});
        files.append({stem + QStringLiteral("_delta.csv"), matrixCsv(r->delta)});
        files.append({stem + QStringLiteral("_p_ttest.csv"), matrixCsv(r->pTTest)});
        files.append({stem + QStringLiteral("_p_mcnemar.csv"), matrixCsv(r->pMcNemar)});
    }
    if (a.entropy().isValid()) files.append({QStringLiteral("entropy.csv"), matrixCsv(a.entropy().entropy)});
    if (a.curves().isValid()) files.append({QStringLiteral("prune_curves.csv"), curvesCsv(a.curves())});
    if (a.latency().isValid()) files.append({QStringLiteral("latency.csv"), latencyCsv(a.latency())});
    if (a.comparison().isValid()) files.append({QStringLiteral("compare.csv"), compareCsv(a.comparison())});
    QStringList written;
    for (const auto& [name, bytes] : files) {
        const QString file = QDir(path).filePath(name);
        if (!writeFile(file, bytes, &error)) return failure();
        written << file;
    }
    return written;
}

} // namespace headscope::ui::resultexport
