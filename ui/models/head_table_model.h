#pragma once
// The head grid: rows are layers, columns are heads (original indices). Every view of heads
// (grid, heatmaps, tooltips) reads this model; mask toggles go through setData(MaskedRole),
// which updates the SessionState, the one source of truth for the mask.
//
//   model->setScores(QStringLiteral("importance"), matrix);   // [layer][head], NaN = none yet
//   model->setCurrentScores(QStringLiteral("importance"));
//   index.data(HeadTableModel::ScoreRole).toDouble();
//
// Score sets are named so that several analyses can be kept and switched; values for one set
// may arrive layer by layer (cells not computed yet hold NaN).
#include "analysis/importance.h"

#include <QAbstractTableModel>
#include <functional>
#include <QHash>
#include <QStringList>

namespace headscope::ui {

class SessionState;

class HeadTableModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Roles
    {
        MaskedRole = Qt::UserRole + 1, // bool: the head is masked (settable)
        PrunedRole,                    // bool: the head is absent from the weights
        ScoreRole,                     // double: current score set's value, NaN when none
        DeltaRole,                     // double: current set's metric delta, NaN when none
        PValueRole,                    // double: current set's p-value, NaN when none
        RankRole,                      // int: 1 = highest score among heads that have one, 0 = none
        LayerRole,                     // int
        HeadRole,                      // int
    };
    Q_ENUM(Roles)

    /// The grid of the session's encoder model; mask toggles go to the session.
    explicit HeadTableModel(SessionState* session, QObject* parent = nullptr);

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    bool setData(const QModelIndex& index, const QVariant& value, int role = MaskedRole) override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    Qt::ItemFlags flags(const QModelIndex& index) const override;
    QHash<int, QByteArray> roleNames() const override;

    /// Stores (or replaces) the scores of a named set, e.g. "importance" or "ablation".
    void setScores(const QString& name, const core::Matrix& scores);
    /// Metric deltas and p-values that belong to a set (ablation results).
    void setDeltas(const QString& name, const core::Matrix& deltas);
    void setPValues(const QString& name, const core::Matrix& pValues);
    /// Which set ScoreRole, DeltaRole, PValueRole, RankRole and the display text show.
    void setCurrentScores(const QString& name);
    /// How cells and tooltips write the current scores (default: two decimals), and what the
    /// numbers are; the heatmap of the same view uses the same, so every view reads alike.
    void setScoreFormat(std::function<QString(double)> format, const QString& label = {});
    QString formatScore(double value) const;
    QString currentScores() const { return m_current; }
    QStringList scoreNames() const;
    void removeScores(const QString& name);
    void clearScores();

    /// Rebuilds rows and columns from the session's model (model reset).
    void resetData();

    /// Masks every present head of a layer, or unmasks them all when all are masked already.
    void toggleLayer(int layer);
    bool isMasked(int layer, int head) const;
    bool isPruned(int layer, int head) const;

protected:
    /// For subclasses that keep the mask elsewhere (one attention type of a translation
    /// model): they override the mask hooks below and call resetData() and onMaskChanged().
    explicit HeadTableModel(QObject* parent);

    // Where the grid's shape and mask come from; the base class reads the session's.
    virtual int sourceLayers() const;
    virtual int sourceHeads() const;
    /// False for heads removed from the weights.
    virtual bool sourceHasHead(int layer, int head) const;
    /// True when the head is masked (pruned heads may say either).
    virtual bool sourceMasked(int layer, int head) const;
    virtual void sourceSetHeadMasked(int layer, int head, bool masked);
    virtual void sourceSetLayerMasked(int layer, bool masked);
    /// Tells views about the cells whose mask state changed since the last call.
    void onMaskChanged();

private:
    struct ScoreSet
    {
        core::Matrix scores, deltas, pValues;
        std::vector<std::vector<int>> ranks;
    };
    static double valueAt(const core::Matrix& m, int layer, int head);
    static std::vector<std::vector<int>> computeRanks(const core::Matrix& scores);
    const ScoreSet* currentSet() const;
    void emitAllChanged(const QVector<int>& roles);

    SessionState* m_session = nullptr;
    int m_nLayers = 0;
    int m_nHeads = 0;
    std::vector<uint8_t> m_shownMask; // what views were last told, to signal only changed cells
    QHash<QString, ScoreSet> m_sets;
    QString m_current;
    std::function<QString(double)> m_format;
    QString m_scoreLabel;
};

} // namespace headscope::ui
