#pragma once
// Drives a GUI with random actions, reproducibly: every step draws its action and a fixed number
// of random values from one seeded generator, whatever state the window is in, so the same seed
// replays the same sequence of actions. Keeps the last actions for a failure message, appends
// every action to a log file (flushed, so a crash leaves the trail behind), and closes any modal
// dialog that would block the run, remembering what it said.
//
//   SoakDriver driver(seed, logPath);
//   driver.add(QStringLiteral("reset-mask"), 3, [&](SoakDriver::Draw& d) { ... });
//   while (...) driver.step();
#include <QApplication>
#include <QDialog>
#include <QFile>
#include <QMessageBox>
#include <QString>
#include <QStringList>
#include <QTimer>
#include <QWidget>

#include <cstdint>
#include <deque>
#include <functional>
#include <random>
#include <unistd.h>
#include <vector>

#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace headscope::testing {

class SoakDriver
{
public:
    /// The random values of one step (drawn before the action runs, always the same number).
    class Draw
    {
    public:
        explicit Draw(std::mt19937_64& rng)
        {
            for (auto& v : m_values)
                v = rng();
        }
        /// A number in [0, n) (0 when n <= 0).
        int pick(int n)
        {
            const uint64_t v = m_values[m_next++ % m_values.size()];
            return n > 0 ? int(v % uint64_t(n)) : 0;
        }
        bool chance(int percent) { return pick(100) < percent; }

    private:
        std::vector<uint64_t> m_values = std::vector<uint64_t>(8);
        size_t m_next = 0;
    };
    using Action = std::function<void(Draw&)>;

    static constexpr int kRememberedActions = 20;

    SoakDriver(uint64_t seed, const QString& logPath) : m_seed(seed), m_rng(seed), m_log(logPath)
    {
        (void)m_log.open(QIODevice::WriteOnly | QIODevice::Truncate | QIODevice::Text);
        // A modal dialog's exec() runs its own event loop, so this timer still fires inside it.
        m_modalGuard.setInterval(50);
        QObject::connect(&m_modalGuard, &QTimer::timeout, [this]() { closeModalDialog(); });
        m_modalGuard.start();
    }

    /// Adds an action; weight 0 keeps it in the table but never picks it.
    void add(const QString& name, int weight, Action action)
    {
        m_actions.push_back({name, weight, std::move(action)});
        m_totalWeight += weight;
    }

    /// Picks and runs one action.
    void step()
    {
        Draw draw(m_rng);
        int r = draw.pick(m_totalWeight);
        size_t i = 0;
        while (r >= m_actions[i].weight) {
            r -= m_actions[i].weight;
            ++i;
        }
        ++m_steps;
        m_current = QStringLiteral("#%1 %2").arg(m_steps).arg(m_actions[i].name);
        m_actions[i].run(draw);
        remember(m_current);
    }

    /// Adds a detail (which head, which file) to the current action's line.
    void note(const QString& detail) { m_current += QLatin1Char(' ') + detail; }

    int steps() const { return m_steps; }
    uint64_t seed() const { return m_seed; }
    QString logPath() const { return m_log.fileName(); }

    /// Seed and the last actions, for a failure message.
    QString trail() const
    {
        QStringList lines{QStringLiteral("HEADSCOPE_SOAK_SEED=%1, %2 actions; the last ones:").arg(m_seed).arg(m_steps)};
        for (const QString& a : m_recent)
            lines << QStringLiteral("  ") + a;
        if (!m_current.isEmpty() && (m_recent.empty() || m_recent.back() != m_current))
            lines << QStringLiteral("  ") + m_current + QStringLiteral(" (running)");
        return lines.join(QLatin1Char('\n'));
    }

    /// Message boxes the guard had to close (the actions are meant to open none).
    const QStringList& closedMessageBoxes() const { return m_closedMessageBoxes; }
    /// Other modal dialogs the guard rejected.
    int closedDialogs() const { return m_closedDialogs; }

    /// Resident set size of this process (/proc/self/statm), in bytes; 0 when unknown.
    static qint64 residentBytes()
    {
        QFile statm(QStringLiteral("/proc/self/statm"));
        if (!statm.open(QIODevice::ReadOnly)) return 0;
        const QList<QByteArray> fields = statm.readAll().simplified().split(' ');
        return fields.size() > 1 ? fields.at(1).toLongLong() * qint64(sysconf(_SC_PAGESIZE)) : 0;
    }

    /// Bytes the program holds through malloc (glibc; 0 elsewhere): tells a leak or a growing
    /// cache apart from memory that is resident for other reasons.
    static qint64 heapInUseBytes()
    {
#if defined(__GLIBC__) && (__GLIBC__ > 2 || __GLIBC_MINOR__ >= 33)
        const struct mallinfo2 info = mallinfo2();
        return qint64(info.uordblks + info.hblkhd);
#else
        return 0;
#endif
    }

private:
    struct Entry
    {
        QString name;
        int weight;
        Action run;
    };

    void remember(const QString& line)
    {
        m_recent.push_back(line);
        if (m_recent.size() > size_t(kRememberedActions)) m_recent.pop_front();
        m_log.write(line.toUtf8() + '\n');
        m_log.flush();
    }

    void closeModalDialog()
    {
        QWidget* modal = QApplication::activeModalWidget();
        if (!modal) return;
        if (auto* box = qobject_cast<QMessageBox*>(modal)) {
            m_closedMessageBoxes << box->windowTitle() + QStringLiteral(": ") + box->text();
            remember(m_current + QStringLiteral(" [closed message box: %1]").arg(box->text()));
        } else {
            ++m_closedDialogs;
            remember(m_current + QStringLiteral(" [rejected %1]").arg(QString::fromLatin1(modal->metaObject()->className())));
        }
        if (auto* dialog = qobject_cast<QDialog*>(modal))
            dialog->reject();
        else
            modal->close();
    }

    uint64_t m_seed;
    std::mt19937_64 m_rng;
    QFile m_log;
    QTimer m_modalGuard;
    std::vector<Entry> m_actions;
    int m_totalWeight = 0;
    int m_steps = 0;
    QString m_current;
    std::deque<QString> m_recent;
    QStringList m_closedMessageBoxes;
    int m_closedDialogs = 0;
};

} // namespace headscope::testing
