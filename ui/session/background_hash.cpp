#include "session/background_hash.h"

#include "util/content_hash.h"

#include <QFutureWatcher>
#include <QtConcurrent>

namespace headscope::ui {

void hashInBackground(QObject* context, const QString& path, bool modelFolder, std::function<void(const QString& hash)> done)
{
    auto* watcher = new QFutureWatcher<core::Result<std::string>>(context);
    QObject::connect(watcher, &QFutureWatcherBase::finished, context, [watcher, done = std::move(done)]() {
        const auto r = watcher->result();
        watcher->deleteLater();
        done(r ? QString::fromStdString(*r) : QString());
    });
    watcher->setFuture(QtConcurrent::run([p = path.toStdString(), modelFolder]() {
        return modelFolder ? core::contentHashOfModel(p) : core::contentHashOfFile(p);
    }));
}

} // namespace headscope::ui
