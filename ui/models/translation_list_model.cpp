#include "models/translation_list_model.h"

#include "util/word_diff.h"

namespace headscope::ui {

TranslationListModel::TranslationListModel(QObject* parent) : QAbstractTableModel(parent) {}

QString TranslationListModel::highlightColor()
{
    return QStringLiteral("#ffd27f"); // amber: readable on light and dark text
}

int TranslationListModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int TranslationListModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

bool TranslationListModel::isChanged(int sentence) const
{
    return sentence < m_current.size() && sentence < m_unmasked.size() && m_current[sentence] != m_unmasked[sentence];
}

int TranslationListModel::changedCount() const
{
    int n = 0;
    for (int s = 0; s < m_sources.size(); ++s)
        n += isChanged(s) ? 1 : 0;
    return n;
}

QVariant TranslationListModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid)) return {};
    const int s = m_rows[size_t(index.row())];
    auto at = [s](const QStringList& list) { return s < list.size() ? list[s] : QString(); };
    switch (role) {
    case Qt::DisplayRole:
    case Qt::ToolTipRole:
        switch (index.column()) {
        case SourceColumn:
            return at(m_sources);
        case ReferenceColumn:
            return at(m_references);
        case UnmaskedColumn:
            return at(m_unmasked);
        case CurrentColumn:
            return at(m_current);
        }
        return {};
    case HtmlRole:
        if (index.column() == CurrentColumn && size_t(s) < m_html.size()) return m_html[size_t(s)];
        return {};
    case ChangedRole:
        return isChanged(s);
    case SentenceRole:
        return s;
    default:
        return {};
    }
}

QVariant TranslationListModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (role != Qt::DisplayRole) return {};
    if (orientation == Qt::Vertical)
        return section >= 0 && size_t(section) < m_rows.size() ? QVariant(m_rows[size_t(section)] + 1) : QVariant();
    switch (section) {
    case SourceColumn:
        return tr("Source");
    case ReferenceColumn:
        return tr("Reference");
    case UnmaskedColumn:
        return tr("Unmasked");
    case CurrentColumn:
        return tr("Masked (changes marked)");
    }
    return {};
}

void TranslationListModel::setTestSet(const QStringList& sources, const QStringList& references)
{
    m_sources = sources;
    m_references = references;
    m_unmasked.clear();
    m_current.clear();
    rebuild();
}

void TranslationListModel::setUnmasked(const QStringList& hypotheses)
{
    m_unmasked = hypotheses;
    rebuild();
}

void TranslationListModel::setCurrent(const QStringList& hypotheses)
{
    m_current = hypotheses;
    rebuild();
}

void TranslationListModel::setChangedOnly(bool on)
{
    if (on == m_changedOnly) return;
    m_changedOnly = on;
    rebuild();
}

void TranslationListModel::rebuild()
{
    beginResetModel();
    m_html.assign(size_t(m_sources.size()), QString());
    m_rows.clear();
    for (int s = 0; s < m_sources.size(); ++s) {
        if (s < m_current.size())
            m_html[size_t(s)] = s < m_unmasked.size()
                                    ? highlightChangedWords(m_unmasked[s], m_current[s], highlightColor())
                                    : m_current[s].toHtmlEscaped();
        if (!m_changedOnly || isChanged(s)) m_rows.push_back(s);
    }
    endResetModel();
}

} // namespace headscope::ui
