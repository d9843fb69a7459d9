#pragma once
// Asks which columns hold the text, the second text and the label when the dataset's layout is
// ambiguous, with a preview of the first rows.
#include "data/dataset.h"

#include <QDialog>

class QCheckBox;
class QComboBox;
class QLabel;
class QTableWidget;

namespace headscope::ui {

class DatasetMappingDialog : public QDialog
{
    Q_OBJECT
public:
    DatasetMappingDialog(const QString& path, core::DatasetPreview preview, QWidget* parent = nullptr);

    /// The options to load the dataset with (format, columns by name or index, header).
    core::DatasetOptions options() const;

private:
    void rebuild();
    void validate();
    /// Column names as the user currently sees them (header on: names, off: indices).
    QStringList columnNames() const;

    core::DatasetPreview m_preview;
    QLabel* m_reason;
    QCheckBox* m_header;
    QComboBox* m_text;
    QComboBox* m_textB;
    QComboBox* m_label;
    QTableWidget* m_table;
    QLabel* m_problem;
    QPushButton* m_ok = nullptr;
};

} // namespace headscope::ui
