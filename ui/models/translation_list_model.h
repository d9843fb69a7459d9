#pragma once
// The Translations view: one row per test sentence with its source, reference, the unmasked
// hypothesis and the hypothesis with the current masks, whose changed words are highlighted
// (HtmlRole, for teaching what a head does). Can show only the sentences whose translation
// changed. Qt Core only.
#include <QAbstractTableModel>
#include <QStringList>
#include <vector>

namespace headscope::ui {

class TranslationListModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column
    {
        SourceColumn,
        ReferenceColumn,
        UnmaskedColumn,
        CurrentColumn,
        ColumnCount
    };
    enum Roles
    {
        HtmlRole = Qt::UserRole + 1, // QString: the current hypothesis with changed words in spans
        ChangedRole,                 // bool: the current hypothesis differs from the unmasked one
        SentenceRole,                // int: 0-based line of the test set
    };

    explicit TranslationListModel(QObject* parent = nullptr);

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    /// A new test set: sources and references (references may be empty); hypotheses cleared.
    void setTestSet(const QStringList& sources, const QStringList& references);
    void setUnmasked(const QStringList& hypotheses);
    /// Hypotheses with the current masks (empty: none yet, the column repeats nothing).
    void setCurrent(const QStringList& hypotheses);
    /// true: only sentences whose current hypothesis differs from the unmasked one.
    void setChangedOnly(bool on);
    bool changedOnly() const { return m_changedOnly; }
    /// Sentences whose current hypothesis differs from the unmasked one.
    int changedCount() const;
    int sentenceCount() const { return int(m_sources.size()); }
    /// The background of changed words.
    static QString highlightColor();

private:
    void rebuild();
    bool isChanged(int sentence) const;

    QStringList m_sources, m_references, m_unmasked, m_current;
    std::vector<QString> m_html; // per sentence, built once per new hypotheses
    std::vector<int> m_rows;     // sentence shown in each row
    bool m_changedOnly = false;
};

} // namespace headscope::ui
