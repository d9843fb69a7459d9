#include "export/result_export.h"

#include "analysis/dataset_loader.h"
#include "jobs/analysis_controller.h"
#include "model/encoder_model.h"
#include "report/result_json.h"
#include "session/session_state.h"

#include <QDir>
#include <QFileInfo>
#include <QSaveFile>
#include <cmath>

namespace headscope::ui::resultexport {

namespace {

QByteArray number(double v)
{
    return std::isfinite(v) ? QByteArray::number(v, 'g', 10) : QByteArray();
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

QByteArray curvesCsv(const core::PruneCurveSet& curves)
{
    QByteArray out = "order,percent,n_pruned,accuracy,ci_low,ci_high,parameters,descriptor\n";
    for (const auto& c : curves.curves)
        for (const auto& p : c.points)
            out += QByteArray(core::pruneOrderName(c.order)) + ',' + number(p.percent) + ',' +
                   QByteArray::number(p.nPruned) + ',' + number(p.accuracy) + ',' +
                   number(p.accuracyInterval.low) + ',' + number(p.accuracyInterval.high) + ',' +
                   QByteArray::number(qint64(p.nParameters)) + ",\"" +
                   QByteArray::fromStdString(core::report::descriptorOf(p.mask)) + "\"\n";
    return out;
}

QByteArray latencyCsv(const core::LatencyResult& r)
{
    QByteArray out =
        "variant,batch_size,seq_len,median_ms,q1_ms,q3_ms,examples_per_second,speedup,parameters\n";
    for (const auto& m : r.measurements)
        out += QByteArray::fromStdString(m.variant) + ',' + QByteArray::number(m.batchSize) + ',' +
               QByteArray::number(m.seqLength) + ',' + number(m.medianMs) + ',' + number(m.q1Ms) + ',' +
               number(m.q3Ms) + ',' + number(m.examplesPerSecond) + ',' +
               number(core::speedupOf(r, m.variant, m.batchSize, m.seqLength)) + ',' +
               QByteArray::number(qint64(m.nParameters)) + '\n';
    return out;
}

QByteArray compareCsv(const core::CompareResult& r)
{
    const bool ablation = r.params.what != core::CompareWhat::Importance && r.a.ablation && r.b.ablation;
    const core::Matrix empty;
    const core::Matrix& a = ablation ? r.a.ablation->delta : r.a.importance ? r.a.importance->normalized : empty;
    const core::Matrix& b = ablation ? r.b.ablation->delta : r.b.importance ? r.b.importance->normalized : empty;
    QByteArray out = "layer,head,a,b\n";
    for (size_t l = 0; l < a.size() && l < b.size(); ++l)
        for (size_t h = 0; h < a[l].size() && h < b[l].size(); ++h)
            out += QByteArray::number(qulonglong(l)) + ',' + QByteArray::number(qulonglong(h)) + ',' +
                   number(a[l][h]) + ',' + number(b[l][h]) + '\n';
    return out;
}

bool hasResults(const AnalysisController& a)
{
    return a.importance().isValid() || a.ablation().isValid() || a.keepOne().isValid() ||
           a.entropy().isValid() || a.curves().isValid() || a.latency().isValid() || a.comparison().isValid() ||
           a.dynamics().isValid();
}

QByteArray tableCsv(const AnalysisController& a, const QString& table)
{
    if (table == QLatin1String("importance") && a.importance().isValid()) return matrixCsv(a.importance()->normalized);
    if (table == QLatin1String("importance-raw") && a.importance().isValid()) return matrixCsv(a.importance()->raw);
    if (table == QLatin1String("ablation") && a.ablation().isValid()) return matrixCsv(a.ablation()->delta);
    if (table == QLatin1String("keep-one") && a.keepOne().isValid()) return matrixCsv(a.keepOne()->delta);
    if (table == QLatin1String("entropy") && a.entropy().isValid()) return matrixCsv(a.entropy()->entropy);
    if (table == QLatin1String("curves") && a.curves().isValid()) return curvesCsv(*a.curves());
    if (table == QLatin1String("latency") && a.latency().isValid()) return latencyCsv(*a.latency());
    if (table == QLatin1String("compare") && a.comparison().isValid()) return compareCsv(*a.comparison());
    return {};
}

core::Result<bool> writeTableCsv(const AnalysisController& a, const QString& table, const QString& path)
{
    const QByteArray bytes = tableCsv(a, table);
    if (bytes.isEmpty())
        return core::Error{core::ErrorCode::InvalidArgument,
                           QStringLiteral("the %1 table has not been computed yet").arg(table).toStdString(),
                           path.toStdString(),
                           {}};
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(bytes) != bytes.size() || !file.commit())
        return core::Error{core::ErrorCode::InvalidFile,
                           "could not write the file (" + file.errorString().toStdString() + ")", path.toStdString(),
                           {}};
    return true;
}

core::report::Json resultsJson(const AnalysisController& a)
{
    namespace report = core::report;
    report::Json doc = report::envelope("export");
    const SessionState* session = a.session();
    const auto model = session->model();
    if (model) {
        doc["model"] = report::modelJson(*model);
        if (const auto rows = session->dataset()) {
            doc["data"] = report::dataJson(core::summarizeDataset(*rows));
            doc["max_length"] = core::defaultMaxLength(*model);
        }
        doc["mask"] = report::maskJson(session->mask());
    }
    report::Json results = report::Json::object();
    auto add = [&results](const auto& delivered, auto&& toJson) {
        if (delivered.isValid()) results[report::resultKey(*delivered)] = toJson(*delivered);
    };
    add(a.importance(), [](const auto& r) { return report::toJson(r); });
    add(a.ablation(), [](const auto& r) { return report::toJson(r); });
    add(a.keepOne(), [](const auto& r) { return report::toJson(r); });
    add(a.entropy(), [](const auto& r) { return report::toJson(r); });
    add(a.curves(), [](const auto& r) { return report::toJson(r); });
    add(a.latency(), [](const auto& r) { return report::toJson(r); });
    add(a.comparison(), [](const auto& r) { return report::toJson(r); });
    add(a.dynamics(), [](const auto& r) { return report::toJson(r); });
    doc["results"] = results;
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
        if (!writeFile(path, QByteArray::fromStdString(core::report::formatJson(resultsJson(a))), &error))
            return failure();
        return QStringList{path};
    }
    if (!QDir().mkpath(path)) {
        error = QStringLiteral("%1: could not create the folder").arg(path);
        return failure();
    }
    QList<QPair<QString, QByteArray>> files;
    if (const auto& r = a.importance(); r.isValid()) {
        files.append({QStringLiteral("importance.csv"), matrixCsv(r->normalized)});
        files.append({QStringLiteral("importance_raw.csv"), matrixCsv(r->raw)});
    }
    for (const auto* r : {&a.ablation(), &a.keepOne()}) {
        if (!r->isValid()) continue;
        const QString stem = QString::fromLatin1(core::report::resultKey(**r));
        files.append({stem + QStringLiteral("_accuracy.csv"), matrixCsv((*r)->accuracy)});
        files.append({stem + QStringLiteral("_delta.csv"), matrixCsv((*r)->delta)});
        files.append({stem + QStringLiteral("_p_ttest.csv"), matrixCsv((*r)->pTTest)});
        files.append({stem + QStringLiteral("_p_mcnemar.csv"), matrixCsv((*r)->pMcNemar)});
    }
    if (a.entropy().isValid()) files.append({QStringLiteral("entropy.csv"), matrixCsv(a.entropy()->entropy)});
    if (a.curves().isValid()) files.append({QStringLiteral("prune_curves.csv"), curvesCsv(*a.curves())});
    if (a.latency().isValid()) files.append({QStringLiteral("latency.csv"), latencyCsv(*a.latency())});
    if (a.comparison().isValid()) files.append({QStringLiteral("compare.csv"), compareCsv(*a.comparison())});
    QStringList written;
    for (const auto& [name, bytes] : files) {
        const QString file = QDir(path).filePath(name);
        if (!writeFile(file, bytes, &error)) return failure();
        written << file;
    }
    return written;
}

} // namespace headscope::ui::resultexport
