#pragma once
// Progress of one background job as the UI sees it: throttled, staged, with timing.
#include <QMetaType>
#include <QString>

namespace headscope::ui {

struct JobProgress
{
    QString kind;           // "eval", "load-model", ...
    quint64 generation = 0;
    QString stage;          // what the job does now, for the user
    int permille = -1;      // 0..1000, -1 when the total is unknown
    qint64 done = 0;
    qint64 total = 0;
    qint64 elapsedMs = 0;   // since the job started
    qint64 remainingMs = -1; // estimated from the current stage's rate, -1 when unknown

    bool isIndeterminate() const { return permille < 0; }
};

} // namespace headscope::ui

Q_DECLARE_METATYPE(headscope::ui::JobProgress)
