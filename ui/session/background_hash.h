#pragma once
// The content hash of a model folder or a file (core/util/content_hash), computed off the UI
// thread; done(hash) runs on context's thread, with an empty hash when the file cannot be read,
// and not at all once context is gone. Sessions record these hashes to notice changed files.
#include <QObject>
#include <QString>

#include <functional>

namespace headscope::ui {

void hashInBackground(QObject* context, const QString& path, bool modelFolder, std::function<void(const QString& hash)> done);

} // namespace headscope::ui
