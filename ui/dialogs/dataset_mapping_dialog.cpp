#include "dialogs/dataset_mapping_dialog.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QFileInfo>
#include <QFormLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QTableWidget>
#include <QVBoxLayout>

namespace headscope::ui {

namespace {

QString qs(const std::string& s)
{
    return QString::fromStdString(s);
}

int indexOfColumn(const QStringList& names, const std::string& guess)
{
    if (guess.empty())
        return -1;
    const int byName = names.indexOf(qs(guess));
    if (byName >= 0)
        return byName;
    bool ok = false;
    const int byIndex = qs(guess).toInt(&ok);
    return ok && byIndex >= 0 && byIndex < names.size() ? byIndex : -1;
}

} // namespace

DatasetMappingDialog::DatasetMappingDialog(const QString& path, core::DatasetPreview preview, QWidget* parent)
    : QDialog(parent), m_preview(std::move(preview))
{
    setWindowTitle(tr("Dataset columns – %1").arg(QFileInfo(path).fileName()));
    auto* layout = new QVBoxLayout(this);

    m_reason = new QLabel(this);
    m_reason->setWordWrap(true);
    m_reason->setText(tr("HeadScope could not tell which columns to use in %1%2. Choose them below.")
                          .arg(QFileInfo(path).fileName(),
                               m_preview.reason.empty() ? QString() : QStringLiteral(" (") + qs(m_preview.reason) + QStringLiteral(")")));
    layout->addWidget(m_reason);

    auto* form = new QFormLayout;
    m_header = new QCheckBox(tr("The first row is a header"), this);
    m_header->setChecked(m_preview.hasHeader);
    m_text = new QComboBox(this);
    m_textB = new QComboBox(this);
    m_label = new QComboBox(this);
    form->addRow(QString(), m_header);
    form->addRow(tr("&Text"), m_text);
    form->addRow(tr("Text &B (pairs)"), m_textB);
    form->addRow(tr("&Label"), m_label);
    layout->addLayout(form);

    layout->addWidget(new QLabel(tr("Preview of the first rows:"), this));
    m_table = new QTableWidget(this);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->verticalHeader()->setVisible(false);
    m_table->setWordWrap(false);
    layout->addWidget(m_table, 1);

    m_problem = new QLabel(this);
    m_problem->setStyleSheet(QStringLiteral("color: #c62828;"));
    layout->addWidget(m_problem);

    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    m_ok = buttons->button(QDialogButtonBox::Ok);
    m_ok->setText(tr("Load"));
    layout->addWidget(buttons);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_header, &QCheckBox::toggled, this, &DatasetMappingDialog::rebuild);
    for (auto* combo : {m_text, m_textB, m_label})
        connect(combo, &QComboBox::currentIndexChanged, this, &DatasetMappingDialog::validate);

    rebuild();
    resize(760, 460);
}

QStringList DatasetMappingDialog::columnNames() const
{
    QStringList names;
    const bool header = m_header->isChecked();
    if (header == m_preview.hasHeader) {
        for (const auto& c : m_preview.columns)
            names << qs(c);
    } else if (header && !m_preview.rows.empty()) {
        // The user says the first previewed row is the header.
        for (const auto& c : m_preview.rows.front())
            names << qs(c);
    } else {
        for (size_t i = 0; i < m_preview.columns.size(); ++i)
            names << QString::number(i);
    }
    return names;
}

void DatasetMappingDialog::rebuild()
{
    const QStringList names = columnNames();
    const bool header = m_header->isChecked();

    // Rows as the user would load them with the current header choice.
    std::vector<std::vector<std::string>> rows;
    if (header != m_preview.hasHeader && !header)
        rows.push_back(m_preview.columns); // the guessed header becomes data
    for (size_t i = 0; i < m_preview.rows.size(); ++i) {
        if (header != m_preview.hasHeader && header && i == 0)
            continue; // became the header
        rows.push_back(m_preview.rows[i]);
    }

    m_table->clear();
    m_table->setColumnCount(names.size());
    m_table->setHorizontalHeaderLabels(names);
    m_table->setRowCount(int(rows.size()));
    for (size_t r = 0; r < rows.size(); ++r)
        for (size_t c = 0; c < rows[r].size() && int(c) < names.size(); ++c)
            m_table->setItem(int(r), int(c), new QTableWidgetItem(qs(rows[r][c])));
    m_table->resizeColumnsToContents();
    for (int c = 0; c < m_table->columnCount(); ++c)
        m_table->setColumnWidth(c, qMin(m_table->columnWidth(c), 360));

    // Keep the user's choice by position when only the names changed.
    const int oldText = m_text->currentIndex(), oldB = m_textB->currentIndex(), oldLabel = m_label->currentIndex();
    const bool first = m_text->count() == 0;
    for (auto* combo : {m_text, m_textB, m_label}) {
        QSignalBlocker block(combo);
        combo->clear();
    }
    {
        QSignalBlocker b1(m_text), b2(m_textB), b3(m_label);
        m_textB->addItem(tr("(none: single sentences)"));
        for (const auto& n : names) {
            m_text->addItem(n);
            m_textB->addItem(n);
            m_label->addItem(n);
        }
        const int nNames = int(names.size());
        if (first) {
            m_text->setCurrentIndex(qMax(0, indexOfColumn(names, m_preview.guessedText)));
            m_textB->setCurrentIndex(indexOfColumn(names, m_preview.guessedTextB) + 1);
            const int label = indexOfColumn(names, m_preview.guessedLabel);
            m_label->setCurrentIndex(label >= 0 ? label : nNames - 1);
        } else {
            m_text->setCurrentIndex(qBound(0, oldText, nNames - 1));
            m_textB->setCurrentIndex(qBound(0, oldB, nNames));
            m_label->setCurrentIndex(qBound(0, oldLabel, nNames - 1));
        }
    }
    validate();
}

void DatasetMappingDialog::validate()
{
    QString problem;
    const int text = m_text->currentIndex();
    const int textB = m_textB->currentIndex() - 1;
    const int label = m_label->currentIndex();
    if (text < 0 || label < 0)
        problem = tr("Choose a text and a label column.");
    else if (text == label || textB == label)
        problem = tr("The label column cannot also be a text column.");
    else if (text == textB)
        problem = tr("Text and text B must be different columns.");
    m_problem->setText(problem);
    m_problem->setVisible(!problem.isEmpty());
    if (m_ok)
        m_ok->setEnabled(problem.isEmpty());
}

core::DatasetOptions DatasetMappingDialog::options() const
{
    core::DatasetOptions o;
    o.format = m_preview.format;
    o.hasHeader = m_header->isChecked();
    // With a header (and in JSONL, where keys are the columns) by name, otherwise by index.
    const bool byName = m_header->isChecked() || m_preview.format == core::DatasetFormat::Jsonl;
    auto column = [byName](const QComboBox* combo, int index) {
        return byName ? combo->itemText(combo->currentIndex()).toStdString() : std::to_string(index);
    };
    o.textColumn = column(m_text, m_text->currentIndex());
    if (m_textB->currentIndex() > 0)
        o.textBColumn = column(m_textB, m_textB->currentIndex() - 1);
    o.labelColumn = column(m_label, m_label->currentIndex());
    return o;
}

} // namespace headscope::ui
