#include "pages/start_page.h"

#include "io/seq2seq_config.h"

#include "analysis/encoded_dataset.h"
#include "dialogs/dataset_mapping_dialog.h"
#include "model/encoder_model.h"
#include "session/demo_locator.h"
#include "util/formatting.h"
#include "session/session_state.h"
#include "widgets/message_bar.h"

#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QGroupBox>
#include <QLabel>
#include <QListWidget>
#include <QProgressBar>
#include <QPushButton>
#include <QSettings>
#include <QVBoxLayout>

#include <algorithm>
#include <map>

namespace headscope::ui {

namespace {

const QString kPreviewJob = QStringLiteral("preview-data");

QString qs(const std::string& s)
{
    return QString::fromStdString(s);
}

void setRows(QFormLayout* form, const QList<QPair<QString, QString>>& rows)
{
    while (form->rowCount() > 0)
        form->removeRow(0);
    for (const auto& [label, value] : rows) {
        auto* v = new QLabel(value);
        v->setTextInteractionFlags(Qt::TextSelectableByMouse);
        v->setWordWrap(true);
        v->setTextFormat(Qt::PlainText);
        form->addRow(label, v);
    }
}

QLabel* heading(const QString& text, QWidget* parent, double scale)
{
    auto* label = new QLabel(text, parent);
    QFont f = label->font();
    f.setPointSizeF(f.pointSizeF() * scale);
    f.setBold(true);
    label->setFont(f);
    return label;
}

QString architectureName(const core::ModelConfig& c)
{
    switch (c.architecture) {
    case core::Architecture::Bert: return StartPage::tr("BERT (BertForSequenceClassification)");
    case core::Architecture::DistilBert: return StartPage::tr("DistilBERT (DistilBertForSequenceClassification)");
    }
    return qs(c.modelType);
}

bool isMaskFile(const QFileInfo& info)
{
    const QString suffix = info.suffix().toLower();
    return suffix == QLatin1String("json") || suffix == QLatin1String("npy");
}

} // namespace

StartPage::StartPage(SessionState* session, QWidget* parent)
    : QWidget(parent)
    , m_session(session)
    , m_recentModels(QStringLiteral("recent/models"))
    , m_recentDatasets(QStringLiteral("recent/datasets"))
    , m_messages(new MessageBar(this))
{
    QSettings settings;
    m_recentModels.load(settings);
    m_recentDatasets.load(settings);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(24, 20, 24, 20);
    layout->setSpacing(14);
    layout->addWidget(heading(tr("HeadScope"), this, 2.0));
    auto* tagline = new QLabel(tr("Which attention heads does your model need? Open a Hugging Face BERT-family "
                                  "classifier and a labelled dataset, then mask heads and watch the accuracy; "
                                  "or a Marian translation model and its test set, and watch BLEU."),
                               this);
    tagline->setWordWrap(true);
    layout->addWidget(tagline);
    layout->addWidget(m_messages);

    auto* columns = new QHBoxLayout;
    columns->setSpacing(20);
    columns->addWidget(buildOpenColumn(), 2);
    columns->addWidget(buildSummaryColumn(), 3);
    layout->addLayout(columns, 1);

    connect(session, &SessionState::modelChanged, this, &StartPage::showModelSummary);
    connect(session, &SessionState::datasetChanged, this, &StartPage::showDatasetSummary);
    // Only what did load goes into the recent lists, and its success clears its old error.
    connect(session, &SessionState::modelChanged, this, [this]() {
        m_messages->clearSource(SessionState::kLoadModelJob);
        if (m_session->hasModel()) {
            m_recentModels.add(m_session->modelPath());
            saveRecent();
        }
    });
    connect(session, &SessionState::datasetChanged, this, [this]() {
        m_messages->clearSource(SessionState::kLoadDataJob);
        if (m_session->dataset()) {
            m_recentDatasets.add(m_session->datasetPath());
            saveRecent();
        }
    });
    connect(session, &SessionState::errorOccurred, this, [this](const QString& kind, const QString& message) {
        if (kind == SessionState::kLoadModelJob || kind == SessionState::kLoadDataJob)
            m_messages->showError(message, kind);
        showDatasetSummary(); // a dataset that waited for the model may have failed
    });
    connect(session, &SessionState::warningOccurred, this, [this](const QString& kind, const QString& message) {
        m_messages->showWarning(message, kind);
    });
    connect(session->runner(), &JobRunner::progressChanged, this, &StartPage::showProgress);
    connect(session->runner(), &JobRunner::runningChanged, this, &StartPage::updateBusy);

    refreshRecent();
    showModelSummary();
    showDatasetSummary();
    updateBusy();
}

QWidget* StartPage::buildOpenColumn()
{
    auto* column = new QWidget(this);
    auto* layout = new QVBoxLayout(column);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(10);

    auto* openModelButton = new QPushButton(QIcon(QStringLiteral(":/icons/folder-model.svg")), tr("Open &Model Folder…"), column);
    auto* openDataButton = new QPushButton(QIcon(QStringLiteral(":/icons/dataset.svg")), tr("Open &Dataset…"), column);
    for (auto* b : {openModelButton, openDataButton}) {
        b->setIconSize(QSize(22, 22));
        b->setMinimumHeight(40);
    }
    openModelButton->setToolTip(tr("A folder with config.json, model.safetensors (or pytorch_model.bin) and vocab.txt"));
    openDataButton->setToolTip(tr("A labelled TSV, CSV or JSONL file"));
    connect(openModelButton, &QPushButton::clicked, this, &StartPage::chooseModel);
    connect(openDataButton, &QPushButton::clicked, this, &StartPage::chooseDataset);
    layout->addWidget(openModelButton);
    layout->addWidget(openDataButton);

    const DemoLocation demo = findDemo();
    if (demo.isValid()) {
        m_openDemo = new QPushButton(tr("Open the &Demo Model"), column);
        m_openDemo->setMinimumHeight(40);
        m_openDemo->setToolTip(tr("A 6-layer, 8-head classifier HeadScope trained on its own generated "
                                  "sentence pairs, with a checkpoint per epoch (%1)")
                                   .arg(demo.modelDir));
        connect(m_openDemo, &QPushButton::clicked, this, &StartPage::openDemo);
        layout->addWidget(m_openDemo);
    }
    const TranslationDemoLocation translationDemo = findTranslationDemo();
    if (translationDemo.isValid()) {
        auto* openTranslationDemo = new QPushButton(tr("Open the &Translation Demo"), column);
        openTranslationDemo->setObjectName(QStringLiteral("openTranslationDemo"));
        openTranslationDemo->setMinimumHeight(40);
        openTranslationDemo->setToolTip(tr("A 6+6-layer, 8-head Marian model HeadScope trained to translate its "
                                           "own grammar into an invented language, with its test set (%1)")
                                            .arg(translationDemo.modelDir));
        connect(openTranslationDemo, &QPushButton::clicked, this, [this, translationDemo]() {
            emit translationModelRequested(translationDemo.modelDir, translationDemo.testSource,
                                           translationDemo.testReference);
        });
        layout->addWidget(openTranslationDemo);
    }

    auto* hint = new QLabel(tr("Or drop a model folder or a dataset file onto this window."), column);
    hint->setWordWrap(true);
    hint->setStyleSheet(QStringLiteral("color: palette(mid);"));
    layout->addWidget(hint);

    enum class What { Model, Dataset, Session };
    auto makeList = [this, column](const QString& title, QListWidget*& list, What what) {
        auto* box = new QGroupBox(title, column);
        auto* boxLayout = new QVBoxLayout(box);
        list = new QListWidget(box);
        list->setAlternatingRowColors(true);
        list->setMaximumHeight(list->fontMetrics().height() * 9);
        list->setAccessibleName(title);
        boxLayout->addWidget(list);
        connect(list, &QListWidget::itemActivated, this, [this, what](QListWidgetItem* item) {
            const QString path = item->data(Qt::UserRole).toString();
            if (what == What::Model)
                openModel(path);
            else if (what == What::Dataset)
                openDataset(path);
            else
                emit sessionRequested(path);
        });
        return box;
    };
    layout->addWidget(makeList(tr("Recent sessions"), m_recentSessionList, What::Session));
    layout->addWidget(makeList(tr("Recent models"), m_recentModelList, What::Model));
    layout->addWidget(makeList(tr("Recent datasets"), m_recentDatasetList, What::Dataset));
    layout->addStretch(1);
    return column;
}

QWidget* StartPage::buildSummaryColumn()
{
    auto* column = new QWidget(this);
    auto* layout = new QVBoxLayout(column);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(10);

    auto makeBox = [column](const QString& title, QLabel*& empty, QWidget*& details, QFormLayout*& form,
                            const QString& emptyText) {
        auto* box = new QGroupBox(title, column);
        auto* boxLayout = new QVBoxLayout(box);
        empty = new QLabel(emptyText, box);
        empty->setStyleSheet(QStringLiteral("color: palette(mid);"));
        details = new QWidget(box);
        form = new QFormLayout(details);
        form->setContentsMargins(0, 0, 0, 0);
        form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
        boxLayout->addWidget(empty);
        boxLayout->addWidget(details);
        return box;
    };
    layout->addWidget(makeBox(tr("Model"), m_modelEmpty, m_modelDetails, m_modelForm, tr("No model loaded.")));
    layout->addWidget(makeBox(tr("Dataset"), m_datasetEmpty, m_datasetDetails, m_datasetForm, tr("No dataset loaded.")));

    m_busy = new QWidget(column);
    auto* busyLayout = new QVBoxLayout(m_busy);
    busyLayout->setContentsMargins(0, 0, 0, 0);
    m_busyStage = new QLabel(m_busy);
    m_busyProgress = new QProgressBar(m_busy);
    m_busyProgress->setTextVisible(false);
    busyLayout->addWidget(m_busyStage);
    busyLayout->addWidget(m_busyProgress);
    layout->addWidget(m_busy);

    m_continue = new QPushButton(tr("Go to the Head Grid →"), column);
    m_continue->setMinimumHeight(36);
    connect(m_continue, &QPushButton::clicked, this, &StartPage::continueRequested);
    layout->addWidget(m_continue, 0, Qt::AlignRight);
    layout->addStretch(1);
    return column;
}

bool StartPage::openDemo()
{
    const DemoLocation demo = findDemo();
    if (!demo.isValid()) return false;
    openModel(demo.modelDir);
    if (!demo.datasetFile.isEmpty()) openDataset(demo.datasetFile, core::DatasetOptions());
    emit demoOpened(demo.secondDatasetFile, demo.checkpointsDir);
    return true;
}

void StartPage::chooseModel()
{
    const QString start = m_recentModels.paths().isEmpty() ? QString() : QFileInfo(m_recentModels.paths().first()).path();
    const QString dir = QFileDialog::getExistingDirectory(this, tr("Open a Hugging Face model folder"), start);
    if (!dir.isEmpty())
        openModel(dir);
}

void StartPage::chooseDataset()
{
    const QString start = m_recentDatasets.paths().isEmpty() ? QString() : QFileInfo(m_recentDatasets.paths().first()).path();
    const QString path = QFileDialog::getOpenFileName(this, tr("Open a labelled dataset"), start,
                                                      tr("Datasets (*.tsv *.csv *.jsonl);;All files (*)"));
    if (!path.isEmpty())
        openDataset(path);
}

void StartPage::openModel(const QString& dir)
{
    const auto type = core::readModelType(QFileInfo(dir).absoluteFilePath().toStdString());
    if (type && core::isSeq2SeqModelType(type.value())) {
        emit translationModelRequested(dir, QString(), QString());
        return;
    }
    m_messages->clearSource(SessionState::kLoadModelJob);
    m_session->loadModel(dir);
}

void StartPage::openDataset(const QString& path)
{
    m_messages->clearSource(SessionState::kLoadDataJob);
    const std::string file = path.toStdString();
    m_session->runner()->start(kPreviewJob, this,
        [file](JobContext& ctx) {
            ctx.setStage(tr("Reading the first rows of %1").arg(QFileInfo(QString::fromStdString(file)).fileName()));
            return core::previewDataset(file);
        },
        [this, path](const core::Result<core::DatasetPreview>& preview) {
            if (!preview) {
                m_messages->showError(qs(preview.error().toString()), SessionState::kLoadDataJob);
                return;
            }
            if (!preview->ambiguous) {
                core::DatasetOptions options;
                options.format = preview->format;
                openDataset(path, options);
                return;
            }
            auto* dialog = new DatasetMappingDialog(path, preview.value(), this);
            dialog->setAttribute(Qt::WA_DeleteOnClose);
            connect(dialog, &QDialog::accepted, this, [this, dialog, path]() { openDataset(path, dialog->options()); });
            dialog->open();
        });
}

void StartPage::openDataset(const QString& path, const core::DatasetOptions& options)
{
    m_messages->clearSource(SessionState::kLoadDataJob);
    m_session->loadDataset(path, options);
    showDatasetSummary();
}

void StartPage::openPath(const QString& path)
{
    const QFileInfo info(path);
    if (!info.exists()) {
        m_messages->showError(tr("%1: no such file or folder").arg(path), SessionState::kLoadDataJob);
        return;
    }
    if (info.isDir())
        openModel(path);
    else if (isMaskFile(info))
        m_session->loadMaskFile(path); // applied once a model is there
    else
        openDataset(path);
}

void StartPage::showModelSummary()
{
    const auto model = m_session->model();
    m_modelEmpty->setVisible(!model);
    m_modelDetails->setVisible(bool(model));
    if (!model)
        return;
    const auto& c = model->config();
    const int totalHeads = c.nLayers * c.nHeads;
    const core::HeadMask full = model->fullMask();
    QString heads = tr("%1 per layer, %2 in all").arg(c.nHeads).arg(totalHeads);
    if (full.countMasked() > 0)
        heads += tr(" (%1 pruned in the checkpoint)").arg(full.countMasked());
    QStringList labels;
    for (const auto& l : c.id2label)
        labels << qs(l);
    setRows(m_modelForm, {
        {tr("Folder"), m_session->modelPath()},
        {tr("Architecture"), architectureName(c)},
        {tr("Layers"), QString::number(c.nLayers)},
        {tr("Heads"), heads},
        {tr("Hidden size"), tr("%1 (head size %2)").arg(c.hiddenSize).arg(c.headDim())},
        {tr("Labels"), labels.join(QStringLiteral(", "))},
        {tr("Parameters"), tr("%1 (%2)").arg(format::count(model->parameterCount()), format::bytes(model->weightBytes()))},
        {tr("Device"), qs(model->deviceName())},
        {tr("Precision"), QString::fromLatin1(core::precisionName(model->precision()))},
        {tr("Load time"), format::duration(qint64(model->loadSeconds() * 1000.0))},
    });
}

void StartPage::showDatasetSummary()
{
    const auto ds = m_session->dataset();
    m_datasetEmpty->setText(m_session->isDatasetWaitingForModel() && !m_session->hasModel()
                                ? tr("%1 will be read once a model is open (its labels are needed).")
                                      .arg(QFileInfo(m_session->pendingDatasetPath()).fileName())
                                : tr("No dataset loaded."));
    m_datasetEmpty->setVisible(!ds);
    m_datasetDetails->setVisible(bool(ds));
    m_continue->setEnabled(m_session->isReady());
    if (!ds)
        return;
    std::map<std::string, int> perLabel;
    for (const auto& e : ds->examples)
        ++perLabel[e.labelText];
    QStringList labels;
    for (const auto& [name, n] : perLabel)
        labels << tr("%1: %2").arg(qs(name)).arg(n);
    QString columns = tr("text: %1").arg(qs(ds->textColumn));
    if (!ds->textBColumn.empty())
        columns += tr(", text B: %1").arg(qs(ds->textBColumn));
    columns += tr(", label: %1").arg(qs(ds->labelColumn));
    const auto encoded = m_session->encodedDataset();
    QList<QPair<QString, QString>> rows{
        {tr("File"), qs(ds->path)},
        {tr("Format"), QString::fromLatin1(core::datasetFormatName(ds->format)).toUpper()},
        {tr("Examples"), tr("%1 %2").arg(ds->examples.size()).arg(ds->hasPairs() ? tr("sentence pairs") : tr("sentences"))},
        {tr("Columns"), columns},
        {tr("Labels"), labels.join(QStringLiteral(" · "))},
    };
    if (encoded) {
        size_t longest = 0;
        for (const auto& e : encoded->examples)
            longest = std::max(longest, e.inputIds.size());
        rows.append({tr("Tokens"), tr("%1 (longest example %2, limit %3)")
                                       .arg(format::count(encoded->nTokens))
                                       .arg(qulonglong(longest))
                                       .arg(encoded->maxLength)});
    }
    if (ds->skippedLines > 0)
        rows.append({tr("Skipped lines"), QString::number(ds->skippedLines)});
    setRows(m_datasetForm, rows);
}

void StartPage::showProgress(const JobProgress& p)
{
    if (p.kind != SessionState::kLoadModelJob && p.kind != SessionState::kLoadDataJob && p.kind != kPreviewJob)
        return;
    m_busyStage->setText(p.stage);
    if (p.isIndeterminate()) {
        m_busyProgress->setRange(0, 0);
    } else {
        m_busyProgress->setRange(0, 1000);
        m_busyProgress->setValue(p.permille);
    }
}

void StartPage::updateBusy()
{
    JobRunner* r = m_session->runner();
    const bool busy = r->isRunning(SessionState::kLoadModelJob) || r->isRunning(SessionState::kLoadDataJob) ||
                      r->isRunning(kPreviewJob);
    m_busy->setVisible(busy);
    m_continue->setEnabled(!busy && m_session->isReady());
}

void StartPage::setRecentSessions(const QStringList& paths)
{
    m_recentSessions = paths;
    refreshRecent();
}

void StartPage::refreshRecent()
{
    auto fill = [](QListWidget* list, const QStringList& paths) {
        list->clear();
        for (const auto& p : paths) {
            const QFileInfo info(p);
            auto* item = new QListWidgetItem(info.fileName() + QStringLiteral("  —  ") + info.path(), list);
            item->setData(Qt::UserRole, p);
            item->setToolTip(p);
        }
    };
    fill(m_recentSessionList, m_recentSessions);
    m_recentSessionList->parentWidget()->setVisible(!m_recentSessions.isEmpty());
    fill(m_recentModelList, m_recentModels.existingPaths());
    fill(m_recentDatasetList, m_recentDatasets.existingPaths());
}

bool StartPage::hasRecentFiles() const
{
    return !m_recentModels.existingPaths().isEmpty() || !m_recentDatasets.existingPaths().isEmpty();
}

void StartPage::saveRecent()
{
    QSettings settings;
    m_recentModels.save(settings);
    m_recentDatasets.save(settings);
    refreshRecent();
}

} // namespace headscope::ui
