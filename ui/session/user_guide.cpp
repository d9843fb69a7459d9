#include "session/user_guide.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>

namespace headscope::ui {

QString findUserGuide()
{
    const QString name = QStringLiteral("user-guide.md");
    const QStringList folders{
        QCoreApplication::applicationDirPath() + QStringLiteral("/../share/doc/headscope"),
        QStringLiteral(HEADSCOPE_SOURCE_DOCS_DIR),
    };
    for (const QString& folder : folders) {
        const QFileInfo info(QDir(folder).filePath(name));
        if (info.isFile())
            return info.canonicalFilePath();
    }
    return {};
}

} // namespace headscope::ui
