#include "session/demo_locator.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>

namespace headscope::ui {

DemoLocation demoIn(const QString& folder)
{
    DemoLocation demo;
    const QDir dir(folder);
    if (!dir.exists())
        return demo;
    if (QFileInfo::exists(dir.filePath(QStringLiteral("config.json")))) {
        demo.modelDir = dir.absolutePath();
    } else {
        const auto subdirs = dir.entryInfoList(QDir::Dirs | QDir::NoDotAndDotDot, QDir::Name);
        for (const auto& sub : subdirs) {
            if (QFileInfo::exists(QDir(sub.absoluteFilePath()).filePath(QStringLiteral("config.json")))) {
                demo.modelDir = sub.absoluteFilePath();
                break;
            }
        }
    }
    const auto files = dir.entryInfoList({QStringLiteral("*.tsv"), QStringLiteral("*.csv"), QStringLiteral("*.jsonl")},
                                         QDir::Files, QDir::Name);
    if (!files.isEmpty())
        demo.datasetFile = files.first().absoluteFilePath();
    return demo;
}

DemoLocation findDemo()
{
    QStringList candidates;
    if (QCoreApplication::instance())
        candidates << QCoreApplication::applicationDirPath() + QStringLiteral("/../share/headscope/demo");
#ifdef HEADSCOPE_SOURCE_DEMO_DIR
    candidates << QStringLiteral(HEADSCOPE_SOURCE_DEMO_DIR);
#endif
    for (const auto& c : candidates) {
        const DemoLocation demo = demoIn(c);
        if (demo.isValid())
            return demo;
    }
    return {};
}

} // namespace headscope::ui
