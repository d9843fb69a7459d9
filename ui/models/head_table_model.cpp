#include "models/head_table_model.h"

#include "model/encoder_model.h"
#include "session/session_state.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

namespace headscope::ui {

namespace {
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
}

HeadTableModel::HeadTableModel(SessionState* session, QObject* parent) : QAbstractTableModel(parent), m_session(session)
{
    connect(session, &SessionState::modelChanged, this, &HeadTableModel::resetData);
    connect(session, &SessionState::maskChanged, this, &HeadTableModel::onMaskChanged);
    resetData();
}

HeadTableModel::HeadTableModel(QObject* parent) : QAbstractTableModel(parent) {}

int HeadTableModel::sourceLayers() const
{
    const auto model = m_session->model();
    return model ? model->nLayers() : 0;
}

int HeadTableModel::sourceHeads() const
{
    const auto model = m_session->model();
    return model ? model->nHeads() : 0;
}

bool HeadTableModel::sourceHasHead(int layer, int head) const
{
    const auto model = m_session->model();
    return !model || model->hasHead(layer, head);
}

bool HeadTableModel::sourceMasked(int layer, int head) const
{
    const auto& mask = m_session->mask();
    if (layer < 0 || head < 0 || layer >= mask.nLayers() || head >= mask.nHeads())
        return false;
    return !mask.isKept(layer, head);
}

void HeadTableModel::sourceSetHeadMasked(int layer, int head, bool masked)
{
    m_session->setHeadMasked(layer, head, masked);
}

void HeadTableModel::sourceSetLayerMasked(int layer, bool masked)
{
    m_session->setLayerMasked(layer, masked);
}

int HeadTableModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : m_nLayers;
}

int HeadTableModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : m_nHeads;
}

bool HeadTableModel::isPruned(int layer, int head) const
{
    return !sourceHasHead(layer, head);
}

bool HeadTableModel::isMasked(int layer, int head) const
{
    return sourceMasked(layer, head) && !isPruned(layer, head);
}

QVariant HeadTableModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const int layer = index.row();
    const int head = index.column();
    const ScoreSet* set = currentSet();

    switch (role) {
    case Qt::DisplayRole: {
        const double s = set ? valueAt(set->scores, layer, head) : kNaN;
        return std::isnan(s) ? QString() : formatScore(s);
    }
    case Qt::ToolTipRole: {
        QString text = tr("Layer %1, head %2").arg(layer).arg(head);
        if (isPruned(layer, head))
            text += QStringLiteral("\n") + tr("pruned (absent from the weights)");
        else
            text += QStringLiteral("\n") + (isMasked(layer, head) ? tr("masked") : tr("kept"));
        if (set) {
            const double s = valueAt(set->scores, layer, head);
            if (!std::isnan(s))
                text += QStringLiteral("\n") + tr("%1: %2 (rank %3)")
                                                 .arg(m_scoreLabel.isEmpty() ? m_current : m_scoreLabel,
                                                      formatScore(s))
                                                 .arg(set->ranks[size_t(layer)][size_t(head)]);
            const double d = valueAt(set->deltas, layer, head);
            if (!std::isnan(d) && d != s)
                text += QStringLiteral("\n") + tr("delta: %1").arg(formatScore(d));
            const double p = valueAt(set->pValues, layer, head);
            if (!std::isnan(p))
                text += QStringLiteral("\n") + tr("p-value: %1").arg(p, 0, 'g', 3);
        }
        return text;
    }
    case Qt::AccessibleTextRole:
        return tr("Layer %1 head %2 %3")
            .arg(layer)
            .arg(head)
            .arg(isPruned(layer, head) ? tr("pruned") : isMasked(layer, head) ? tr("masked") : tr("kept"));
    case Qt::TextAlignmentRole:
        return int(Qt::AlignCenter);
    case MaskedRole:
        return isMasked(layer, head);
    case PrunedRole:
        return isPruned(layer, head);
    case ScoreRole:
        return set ? valueAt(set->scores, layer, head) : kNaN;
    case DeltaRole:
        return set ? valueAt(set->deltas, layer, head) : kNaN;
    case PValueRole:
        return set ? valueAt(set->pValues, layer, head) : kNaN;
    case RankRole:
        if (!set || size_t(layer) >= set->ranks.size() || size_t(head) >= set->ranks[size_t(layer)].size())
            return 0;
        return set->ranks[size_t(layer)][size_t(head)];
    case LayerRole:
        return layer;
    case HeadRole:
        return head;
    default:
        return {};
    }
}

bool HeadTableModel::setData(const QModelIndex& index, const QVariant& value, int role)
{
    if (role != MaskedRole || !checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return false;
    if (isPruned(index.row(), index.column()))
        return false;
    // The session changes the mask and signals back (onMaskChanged emits dataChanged).
    sourceSetHeadMasked(index.row(), index.column(), value.toBool());
    return isMasked(index.row(), index.column()) == value.toBool();
}

void HeadTableModel::setScoreFormat(std::function<QString(double)> format, const QString& label)
{
    m_format = std::move(format);
    m_scoreLabel = label;
    if (m_nLayers > 0 && m_nHeads > 0)
        emit dataChanged(index(0, 0), index(m_nLayers - 1, m_nHeads - 1), {Qt::DisplayRole, Qt::ToolTipRole});
}

QString HeadTableModel::formatScore(double value) const
{
    return m_format ? m_format(value) : QString::number(value, 'f', 2);
}

QVariant HeadTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (role == Qt::DisplayRole) {
        if (orientation == Qt::Vertical && section >= 0 && section < m_nLayers)
            return tr("Layer %1").arg(section);
        if (orientation == Qt::Horizontal && section >= 0 && section < m_nHeads)
            return tr("Head %1").arg(section);
    } else if (role == Qt::ToolTipRole && orientation == Qt::Vertical) {
        return tr("Shift-click to mask or unmask every head of layer %1").arg(section);
    }
    return {};
}

Qt::ItemFlags HeadTableModel::flags(const QModelIndex& index) const
{
    if (!index.isValid())
        return Qt::NoItemFlags;
    if (isPruned(index.row(), index.column()))
        return Qt::ItemNeverHasChildren; // nothing to toggle: the weights are gone
    return Qt::ItemIsEnabled | Qt::ItemIsSelectable | Qt::ItemIsEditable | Qt::ItemNeverHasChildren;
}

QHash<int, QByteArray> HeadTableModel::roleNames() const
{
    auto names = QAbstractTableModel::roleNames();
    names.insert(MaskedRole, "masked");
    names.insert(PrunedRole, "pruned");
    names.insert(ScoreRole, "score");
    names.insert(DeltaRole, "delta");
    names.insert(PValueRole, "pValue");
    names.insert(RankRole, "rank");
    names.insert(LayerRole, "layer");
    names.insert(HeadRole, "head");
    return names;
}

void HeadTableModel::setScores(const QString& name, const core::Matrix& scores)
{
    ScoreSet& set = m_sets[name];
    set.scores = scores;
    set.ranks = computeRanks(scores);
    if (m_current.isEmpty())
        m_current = name;
    if (name == m_current)
        emitAllChanged({Qt::DisplayRole, Qt::ToolTipRole, ScoreRole, RankRole});
}

void HeadTableModel::setDeltas(const QString& name, const core::Matrix& deltas)
{
    m_sets[name].deltas = deltas;
    if (m_current.isEmpty())
        m_current = name;
    if (name == m_current)
        emitAllChanged({Qt::ToolTipRole, DeltaRole});
}

void HeadTableModel::setPValues(const QString& name, const core::Matrix& pValues)
{
    m_sets[name].pValues = pValues;
    if (m_current.isEmpty())
        m_current = name;
    if (name == m_current)
        emitAllChanged({Qt::ToolTipRole, PValueRole});
}

void HeadTableModel::setCurrentScores(const QString& name)
{
    if (name == m_current)
        return;
    m_current = name;
    emitAllChanged({Qt::DisplayRole, Qt::ToolTipRole, ScoreRole, DeltaRole, PValueRole, RankRole});
}

QStringList HeadTableModel::scoreNames() const
{
    QStringList names = m_sets.keys();
    names.sort();
    return names;
}

void HeadTableModel::removeScores(const QString& name)
{
    if (!m_sets.remove(name))
        return;
    if (name == m_current) {
        m_current.clear();
        emitAllChanged({Qt::DisplayRole, Qt::ToolTipRole, ScoreRole, DeltaRole, PValueRole, RankRole});
    }
}

void HeadTableModel::clearScores()
{
    m_sets.clear();
    m_current.clear();
    emitAllChanged({Qt::DisplayRole, Qt::ToolTipRole, ScoreRole, DeltaRole, PValueRole, RankRole});
}

void HeadTableModel::resetData()
{
    beginResetModel();
    m_nLayers = sourceLayers();
    m_nHeads = sourceHeads();
    m_shownMask.assign(size_t(m_nLayers * m_nHeads), 0);
    for (int l = 0; l < m_nLayers; ++l)
        for (int h = 0; h < m_nHeads; ++h)
            m_shownMask[size_t(l * m_nHeads + h)] = isMasked(l, h) ? 1 : 0;
    // Scores of another model make no sense for this one.
    m_sets.clear();
    m_current.clear();
    endResetModel();
}

void HeadTableModel::toggleLayer(int layer)
{
    if (layer < 0 || layer >= m_nLayers)
        return;
    bool allMasked = true;
    for (int h = 0; h < m_nHeads; ++h)
        if (!isPruned(layer, h) && !isMasked(layer, h))
            allMasked = false;
    sourceSetLayerMasked(layer, !allMasked);
}

void HeadTableModel::onMaskChanged()
{
    if (m_nLayers == 0 || m_nHeads == 0)
        return;
    if (m_shownMask.size() != size_t(m_nLayers * m_nHeads))
        m_shownMask.assign(size_t(m_nLayers * m_nHeads), 0);
    // Signal each changed row once, spanning its first to last changed head.
    const QVector<int> roles{MaskedRole, Qt::ToolTipRole, Qt::AccessibleTextRole};
    for (int l = 0; l < m_nLayers; ++l) {
        int first = -1, last = -1;
        for (int h = 0; h < m_nHeads; ++h) {
            const uint8_t masked = isMasked(l, h) ? 1 : 0;
            uint8_t& shown = m_shownMask[size_t(l * m_nHeads + h)];
            if (masked != shown) {
                shown = masked;
                if (first < 0)
                    first = h;
                last = h;
            }
        }
        if (first >= 0)
            emit dataChanged(index(l, first), index(l, last), roles);
    }
}

double HeadTableModel::valueAt(const core::Matrix& m, int layer, int head)
{
    if (size_t(layer) >= m.size() || size_t(head) >= m[size_t(layer)].size())
        return kNaN;
    return m[size_t(layer)][size_t(head)];
}

std::vector<std::vector<int>> HeadTableModel::computeRanks(const core::Matrix& scores)
{
    struct Cell
    {
        double value;
        size_t layer, head;
    };
    std::vector<Cell> cells;
    std::vector<std::vector<int>> ranks(scores.size());
    for (size_t l = 0; l < scores.size(); ++l) {
        ranks[l].assign(scores[l].size(), 0);
        for (size_t h = 0; h < scores[l].size(); ++h)
            if (std::isfinite(scores[l][h]))
                cells.push_back({scores[l][h], l, h});
    }
    // Highest first; equal scores keep (layer, head) order so ranks are stable.
    std::stable_sort(cells.begin(), cells.end(), [](const Cell& a, const Cell& b) { return a.value > b.value; });
    for (size_t i = 0; i < cells.size(); ++i)
        ranks[cells[i].layer][cells[i].head] = int(i) + 1;
    return ranks;
}

const HeadTableModel::ScoreSet* HeadTableModel::currentSet() const
{
    auto it = m_sets.constFind(m_current);
    return it == m_sets.constEnd() ? nullptr : &it.value();
}

void HeadTableModel::emitAllChanged(const QVector<int>& roles)
{
    if (m_nLayers > 0 && m_nHeads > 0)
        emit dataChanged(index(0, 0), index(m_nLayers - 1, m_nHeads - 1), roles);
}

} // namespace headscope::ui
