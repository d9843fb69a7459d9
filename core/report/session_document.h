#pragma once
// A HeadScope session file (.headscope): what was open (model and dataset with their content
// hashes, the column mapping), the head mask, every finished analysis as the result JSON of
// result_json.h, checkpoints of analyses that were still running, the engine settings and the
// window's view state. Versioned JSON, documented in docs/sessions.md. The GUI saves and
// autosaves it; `headscope-cli <analysis> --session FILE` appends its result to it.
//
//   auto doc = readSessionFile("study.headscope");       // Result<SessionDocument>
//   if (const SessionEntry* e = doc->latest("ablation")) // the newest finished single-head sweep
//       auto r = ablationFromJson(e->result);
//   doc->append({"importance", "cli", now, true, toJson(importance), {}});
//   writeSessionFile("study.headscope", *doc);           // temporary file + rename
#include "analysis/importance.h"
#include "data/dataset.h"
#include "mask/head_mask.h"
#include "report/json_text.h"
#include "util/result.h"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace headscope::core::report {

/// "headscope-session", and the version this build writes and reads (older versions are read;
/// newer ones are refused with a message naming both versions).
constexpr const char* kSessionFormat = "headscope-session";
constexpr int kSessionVersion = 1;

/// A file the session refers to: absolute path, content hash when known, size in bytes.
struct SessionFileRef
{
    std::string path;
    std::string hash; // util/content_hash.h; empty: not computed
    int64_t bytes = -1;
};

/// One analysis: its result in the result-JSON form under resultKey() ("importance",
/// "ablation", "keep_one", "prune_curves", ...). complete == false marks the checkpoint of a
/// sweep that was still running when the session was written (a partial result plus, in
/// `checkpoint`, the state a resume needs, e.g. importance sums).
struct SessionEntry
{
    std::string key;
    std::string source = "gui"; // "gui" or "cli"
    std::string finishedAt;     // UTC, ISO 8601
    bool complete = true;
    Json result;
    Json checkpoint;            // null unless the kind needs more than `result` to resume
    Json request;               // how it was started (orders, step, ...), null when not needed
};

/// The Translation page's part of a session: its model, test set, masks of the three attention
/// types and finished analyses, each entry's result in the translation result-JSON form of
/// translation_json.h ("translation", "importance", "ablation", "keep_one", "prune_curves").
struct TranslationSession
{
    SessionFileRef model;
    std::optional<SessionFileRef> source;
    std::optional<SessionFileRef> reference;
    /// translation_json.h's seq2seqMasksJson block; null when every head is kept. Kept as JSON
    /// since its shape is checked against the model once that is loaded.
    Json masks;
    std::vector<SessionEntry> entries;

    const SessionEntry* latest(const std::string& key) const;
    /// Replaces the entry of the same key (the newest result of each kind is kept).
    void append(SessionEntry entry);
};

struct SessionDocument
{
    std::string headscopeVersion; // of the program that wrote it
    std::string savedAt;
    std::optional<SessionFileRef> model;
    std::optional<SessionFileRef> dataset;
    DatasetOptions datasetOptions;
    /// The current mask; empty (0 x 0) when none was saved.
    HeadMask mask;
    Json settings = Json::object(); // engine settings (batch size, device, ...), kept as written
    Json view = Json::object();     // the GUI's page, selections, zoom: opaque to the core
    std::vector<SessionEntry> entries; // in the order they finished
    /// The Translation page's model and results; absent when no translation model was open.
    std::optional<TranslationSession> translation;

    /// The newest entry of this key (complete ones only unless includePartial); null if none.
    const SessionEntry* latest(const std::string& key, bool includePartial = false) const;
    /// Adds an entry. A session keeps the newest result of each kind and the newest checkpoint:
    /// a complete entry replaces every entry of its key, a partial one the older partial one.
    void append(SessionEntry entry);
    /// Drops the partial entries (checkpoints) of a key.
    void dropPartial(const std::string& key);
};

Json toJson(const SessionDocument& doc);
/// path: named in errors. Unknown keys are ignored (forward compatible within a version).
Result<SessionDocument> sessionFromJson(const Json& j, const std::string& path = {});
/// Parses the text of a session file (nesting bounded first); path is named in errors.
Result<SessionDocument> parseSessionText(std::string_view text, const std::string& path);
/// Reads and checks a session file; errors name the file and what is wrong.
Result<SessionDocument> readSessionFile(const std::string& path);
/// Writes atomically (a temporary file in the same folder, flushed, renamed over the target).
Result<bool> writeSessionFile(const std::string& path, const SessionDocument& doc);
/// The mask block of a session ({"layers", "heads", "kept": [[1, 0, ...], ...]}).
Json sessionMaskJson(const HeadMask& mask);
Result<HeadMask> sessionMaskFromJson(const Json& j);
/// An importance run's running sums: the checkpoint of a partial "importance" entry.
Json toJson(const ImportanceCheckpoint& c);
Result<ImportanceCheckpoint> importanceCheckpointFromJson(const Json& j);

/// An entry finished now (UTC) by source ("gui" or "cli").
SessionEntry finishedEntry(std::string key, Json result, bool complete = true, std::string source = "gui");

/// UTC now as "2026-11-30T19:20:05Z".
std::string utcTimestamp();

} // namespace headscope::core::report
