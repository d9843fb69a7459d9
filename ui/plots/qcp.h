#pragma once
// The one way to include QCustomPlot (only files in ui/plots/ do). Debian's qcustomplot.h
// uses the `signals` and `foreach` keywords: when a target turns Qt's keywords off they are
// mapped to the Q_ macros for the duration of the include, as hotspot does.
#include <QtGlobal>

#if defined(QT_NO_KEYWORDS)
#define signals Q_SIGNALS
#define slots Q_SLOTS
#define emit Q_EMIT
#define foreach Q_FOREACH
#include <qcustomplot.h>
#undef signals
#undef slots
#undef emit
#undef foreach
#else
#include <qcustomplot.h>
#endif
