#include "util/word_diff.h"

#include <QRegularExpression>
#include <algorithm>

namespace headscope::ui {

QStringList diffWords(const QString& text)
{
    static const QRegularExpression space(QStringLiteral("\\s+"));
    return text.split(space, Qt::SkipEmptyParts);
}

std::vector<bool> changedWords(const QStringList& before, const QStringList& after)
{
    const size_t n = size_t(before.size()), m = size_t(after.size());
    // lcs[i][j]: LCS length of before[i..] and after[j..]; sentences are short, O(n m) is fine.
    std::vector<std::vector<int>> lcs(n + 1, std::vector<int>(m + 1, 0));
    for (size_t i = n; i-- > 0;)
        for (size_t j = m; j-- > 0;)
            lcs[i][j] = before[qsizetype(i)] == after[qsizetype(j)] ? lcs[i + 1][j + 1] + 1
                                                                    : std::max(lcs[i + 1][j], lcs[i][j + 1]);
    std::vector<bool> changed(m, true);
    size_t i = 0, j = 0;
    while (i < n && j < m) {
        if (before[qsizetype(i)] == after[qsizetype(j)]) {
            changed[j] = false;
            ++i;
            ++j;
        } else if (lcs[i + 1][j] >= lcs[i][j + 1]) {
            ++i;
        } else {
            ++j;
        }
    }
    return changed;
}

QString highlightChangedWords(const QString& before, const QString& after, const QString& background)
{
    const QStringList words = diffWords(after);
    const std::vector<bool> changed = changedWords(diffWords(before), words);
    QStringList parts;
    for (qsizetype k = 0; k < words.size(); ++k) {
        const QString word = words[k].toHtmlEscaped();
        parts << (changed[size_t(k)] ? QStringLiteral("<span class=\"changed\" style=\"background-color:%1\">%2</span>")
                                           .arg(background, word)
                                     : word);
    }
    return parts.join(QLatin1Char(' '));
}

} // namespace headscope::ui
