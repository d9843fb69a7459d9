#pragma once
// The bundled demo as the GUI needs it (Qt strings); the search itself is core's
// findClassificationDemo, shared with `headscope-cli --model demo`.
#include <QString>

namespace headscope::ui {

struct DemoLocation
{
    QString modelDir;          // the final classifier
    QString datasetFile;       // the in-domain dev set (opened with the model)
    QString secondDatasetFile; // the other domain's dev set (the Compare page's default)
    QString checkpointsDir;    // the per-epoch checkpoints (the Dynamics page's default)
    bool isValid() const { return !modelDir.isEmpty(); }
};

/// The demo installed next to the program, or in the source tree; invalid when none is there.
DemoLocation findDemo();

struct TranslationDemoLocation
{
    QString modelDir;      // the final Marian model
    QString testSource;    // the in-domain test set, opened with the model
    QString testReference;
    bool isValid() const { return !modelDir.isEmpty(); }
};

/// The translation demo, found as findDemo finds the classifier; invalid when none is there.
TranslationDemoLocation findTranslationDemo();

} // namespace headscope::ui
