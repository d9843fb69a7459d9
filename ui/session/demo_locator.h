#pragma once
// Finds the bundled demo (a model folder and a dataset) installed next to the binary
// (../share/headscope/demo) or in the source tree (resources/demo).
#include <QString>

namespace headscope::ui {

struct DemoLocation
{
    QString modelDir;    // a folder with config.json
    QString datasetFile; // .tsv / .csv / .jsonl, may be empty
    bool isValid() const { return !modelDir.isEmpty(); }
};

/// The first demo found; invalid when none is installed.
DemoLocation findDemo();
/// Looks inside one demo folder: the folder itself or its first sub-folder with a config.json
/// is the model; the first dataset file at its top level is the data.
DemoLocation demoIn(const QString& folder);

} // namespace headscope::ui
