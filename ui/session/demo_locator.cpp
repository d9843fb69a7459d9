#include "session/demo_locator.h"

#include "demo/demo_location.h"

#include <QCoreApplication>

namespace headscope::ui {

DemoLocation findDemo()
{
    const std::string exeDir =
        QCoreApplication::instance() ? QCoreApplication::applicationDirPath().toStdString() : std::string();
    const auto d = core::findClassificationDemo(exeDir);
    if (!d) return {};
    return {QString::fromStdString(d->modelDir), QString::fromStdString(d->devMatched),
            QString::fromStdString(d->devMismatched), QString::fromStdString(d->checkpointsDir)};
}

TranslationDemoLocation findTranslationDemo()
{
    const std::string exeDir =
        QCoreApplication::instance() ? QCoreApplication::applicationDirPath().toStdString() : std::string();
    const auto d = core::findTranslationDemo(exeDir);
    if (!d) return {};
    return {QString::fromStdString(d->modelDir), QString::fromStdString(d->testSource),
            QString::fromStdString(d->testReference)};
}

} // namespace headscope::ui
