#include "session_append.h"

#include "cli_error.h"
#include "report/session_document.h"
#include "util/content_hash.h"

#include <cstdio>
#include <filesystem>
#include <optional>

namespace headscope::cli {

namespace report = core::report;
namespace fs = std::filesystem;

namespace {

std::string absolute(const std::string& path)
{
    std::error_code ec;
    const fs::path p = fs::absolute(path, ec);
    return ec ? path : p.lexically_normal().string();
}

// The model or dataset path the result was computed on, if doc has one.
std::string pathIn(const Json& doc, const char* block)
{
    if (doc.contains(block) && doc[block].is_object() && doc[block].contains("path") && doc[block]["path"].is_string())
        return absolute(doc[block]["path"].get<std::string>());
    return {};
}

void checkSameFile(const std::optional<report::SessionFileRef>& known, const std::string& now, const char* what,
                   const std::string& sessionPath)
{
    if (known && !now.empty() && absolute(known->path) != now)
        throw CliError(ExitBadInput, "the session " + sessionPath + " is about the " + what + " " + known->path + ", not " + now +
                           "; use another session file");
}

} // namespace

void appendToSession(const std::string& path, const Json& doc)
{
    report::SessionDocument session;
    std::error_code ec;
    if (fs::exists(path, ec)) {
        auto read = report::readSessionFile(path);
        if (!read)
            throw CliError(ExitBadInput, "cannot add to the session: " + read.error().toString() + " (the file was left as it is)");
        session = std::move(read).value();
    }
    const std::string model = pathIn(doc, "model");
    const std::string data = pathIn(doc, "data");
    checkSameFile(session.model, model, "model", path);
    checkSameFile(session.dataset, data, "dataset", path);
    if (!model.empty() && !session.model) {
        report::SessionFileRef ref{model, {}, -1};
        if (auto h = core::contentHashOfModel(model)) ref.hash = *h;
        session.model = ref;
    }
    if (!data.empty() && !session.dataset) {
        report::SessionFileRef ref{data, {}, -1};
        if (auto h = core::contentHashOfFile(data)) ref.hash = *h;
        ref.bytes = int64_t(fs::file_size(data, ec));
        session.dataset = ref;
    }
    int added = 0;
    if (doc.contains("results") && doc["results"].is_object())
        for (const auto& [key, result] : doc["results"].items()) {
            if (!result.is_object())
                continue;
            session.append(report::finishedEntry(key, result, true, "cli"));
            ++added;
        }
    session.savedAt.clear();
    session.headscopeVersion.clear();
    const auto written = report::writeSessionFile(path, session);
    if (!written)
        throw core::ErrorException(written.error());
    std::fprintf(stderr, "session: %d result(s) added to %s\n", added, path.c_str());
}

} // namespace headscope::cli
