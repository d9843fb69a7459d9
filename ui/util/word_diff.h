#pragma once
// Which words of a new translation differ from an old one, for the Translations view: a longest
// common subsequence over whitespace-separated words; words of the new text outside it are the
// changed (inserted or replaced) ones.
//
//   changedWords({"the", "cat", "sat"}, {"the", "dog", "sat", "down"})  // {false, true, false, true}
#include <QString>
#include <QStringList>
#include <vector>

namespace headscope::ui {

/// One flag per word of after: true when it is not matched by the LCS with before.
std::vector<bool> changedWords(const QStringList& before, const QStringList& after);

/// after as HTML (escaped), its changed words inside <span class="changed" style="...">.
QString highlightChangedWords(const QString& before, const QString& after, const QString& background);

/// Words as the diff sees them: split on any whitespace, empty parts dropped.
QStringList diffWords(const QString& text);

} // namespace headscope::ui
