#include "report/session_document.h"

#include "report/report_common.h"
#include "report/result_json.h"
#include "util/atomic_file.h"
#include "util/json_nesting.h"

#include <algorithm>
#include <chrono>
#include <ctime>
#include <fstream>
#include <sstream>

namespace headscope::core::report {

namespace {

Json fileRefJson(const SessionFileRef& f)
{
    Json j;
    j["path"] = f.path;
    j["hash"] = f.hash;
    j["bytes"] = f.bytes;
    return j;
}

SessionFileRef fileRefFromJson(const Json& j)
{
    SessionFileRef f;
    f.path = j.at("path").get<std::string>();
    if (j.contains("hash") && j["hash"].is_string())
        f.hash = j["hash"].get<std::string>();
    if (j.contains("bytes") && j["bytes"].is_number_integer())
        f.bytes = integerFrom<int64_t>(j["bytes"]);
    if (f.path.empty())
        throw std::invalid_argument("a file reference has an empty path");
    return f;
}

Json optionsJson(const DatasetOptions& o)
{
    Json j;
    j["format"] = datasetFormatName(o.format);
    j["text_col"] = o.textColumn;
    j["text_b_col"] = o.textBColumn;
    j["label_col"] = o.labelColumn;
    j["has_header"] = o.hasHeader ? Json(*o.hasHeader) : Json(nullptr);
    j["limit"] = o.limit;
    return j;
}

DatasetOptions optionsFromJson(const Json& j)
{
    DatasetOptions o;
    o.format = datasetFormatFromName(j.value("format", std::string("auto")));
    o.textColumn = j.value("text_col", std::string());
    o.textBColumn = j.value("text_b_col", std::string());
    o.labelColumn = j.value("label_col", std::string());
    if (j.contains("has_header") && j["has_header"].is_boolean())
        o.hasHeader = j["has_header"].get<bool>();
    o.limit = j.contains("limit") ? integerFrom<int64_t>(j["limit"]) : 0;
    if (o.limit < 0)
        throw std::invalid_argument("data.options.limit is negative");
    return o;
}

Json entryJson(const SessionEntry& e)
{
    Json j;
    j["key"] = e.key;
    j["source"] = e.source;
    j["finished_at"] = e.finishedAt;
    j["complete"] = e.complete;
    j["result"] = e.result;
    if (!e.checkpoint.is_null())
        j["checkpoint"] = e.checkpoint;
    if (!e.request.is_null())
        j["request"] = e.request;
    return j;
}

SessionEntry entryFromJson(const Json& j)
{
    SessionEntry e;
    e.key = j.at("key").get<std::string>();
    e.source = j.value("source", std::string("gui"));
    e.finishedAt = j.value("finished_at", std::string());
    e.complete = j.value("complete", true);
    e.result = j.at("result");
    if (!e.result.is_object())
        throw std::invalid_argument("the result of entry '" + e.key + "' is not an object");
    if (j.contains("checkpoint"))
        e.checkpoint = j["checkpoint"];
    if (j.contains("request"))
        e.request = j["request"];
    if (e.key.empty())
        throw std::invalid_argument("an entry has an empty key");
    return e;
}

Json translationJson(const TranslationSession& t)
{
    Json j;
    j["model"] = fileRefJson(t.model);
    j["source"] = t.source ? fileRefJson(*t.source) : Json(nullptr);
    j["reference"] = t.reference ? fileRefJson(*t.reference) : Json(nullptr);
    j["masks"] = t.masks;
    Json entries = Json::array();
    for (const auto& e : t.entries)
        entries.push_back(entryJson(e));
    j["results"] = std::move(entries);
    return j;
}

TranslationSession translationFromJson(const Json& j)
{
    if (!j.is_object())
        throw std::invalid_argument("'translation' must be an object");
    TranslationSession t;
    t.model = fileRefFromJson(j.at("model"));
    if (j.contains("source") && !j["source"].is_null())
        t.source = fileRefFromJson(j["source"]);
    if (j.contains("reference") && !j["reference"].is_null())
        t.reference = fileRefFromJson(j["reference"]);
    if (j.contains("masks") && !j["masks"].is_null()) {
        if (!j["masks"].is_object())
            throw std::invalid_argument("'translation.masks' must be an object");
        t.masks = j["masks"];
    }
    if (j.contains("results")) {
        if (!j["results"].is_array())
            throw std::invalid_argument("'translation.results' must be a list");
        for (const auto& e : j["results"])
            t.append(entryFromJson(e));
    }
    return t;
}

Error sessionError(const std::string& path, const std::string& message, const std::string& detail = {})
{
    return Error{ErrorCode::InvalidFile, message, path, detail};
}

} // namespace

const SessionEntry* SessionDocument::latest(const std::string& key, bool includePartial) const
{
    for (auto it = entries.rbegin(); it != entries.rend(); ++it)
        if (it->key == key && (it->complete || includePartial))
            return &*it;
    return nullptr;
}

void SessionDocument::dropPartial(const std::string& key)
{
    entries.erase(std::remove_if(entries.begin(), entries.end(),
                                 [&](const SessionEntry& e) { return e.key == key && !e.complete; }),
                  entries.end());
}

void SessionDocument::append(SessionEntry entry)
{
    // One entry per kind and state: a checkpoint replaces the previous checkpoint of its kind,
    // a finished result replaces the previous result and the checkpoint.
    const bool complete = entry.complete;
    entries.erase(std::remove_if(entries.begin(), entries.end(),
                                 [&](const SessionEntry& e) { return e.key == entry.key && (complete || !e.complete); }),
                  entries.end());
    entries.push_back(std::move(entry));
}

const SessionEntry* TranslationSession::latest(const std::string& key) const
{
    for (auto it = entries.rbegin(); it != entries.rend(); ++it)
        if (it->key == key)
            return &*it;
    return nullptr;
}

void TranslationSession::append(SessionEntry entry)
{
    entries.erase(std::remove_if(entries.begin(), entries.end(), [&](const SessionEntry& e) { return e.key == entry.key; }),
                  entries.end());
    entries.push_back(std::move(entry));
}

Json sessionMaskJson(const HeadMask& mask)
{
    Json j;
    j["layers"] = mask.nLayers();
    j["heads"] = mask.nHeads();
    Json rows = Json::array();
    for (int l = 0; l < mask.nLayers(); ++l) {
        Json row = Json::array();
        for (int h = 0; h < mask.nHeads(); ++h)
            row.push_back(mask.isKept(l, h) ? 1 : 0);
        rows.push_back(std::move(row));
    }
    j["kept"] = std::move(rows);
    return j;
}

Result<HeadMask> sessionMaskFromJson(const Json& j)
{
    return readJson<HeadMask>("session mask", [&]() {
        const int nL = integerFrom<int>(j.at("layers")), nH = integerFrom<int>(j.at("heads"));
        if (nL < 0 || nH < 0 || nL > 4096 || nH > 4096)
            throw std::invalid_argument("the mask has " + std::to_string(nL) + " x " + std::to_string(nH) + " heads");
        const Json& rows = j.at("kept");
        if (!rows.is_array() || rows.size() != size_t(nL))
            throw std::invalid_argument("'kept' must have one row per layer");
        HeadMask m(nL, nH);
        for (int l = 0; l < nL; ++l) {
            const Json& row = rows[size_t(l)];
            if (!row.is_array() || row.size() != size_t(nH))
                throw std::invalid_argument("row " + std::to_string(l) + " of 'kept' must have one value per head");
            for (int h = 0; h < nH; ++h) {
                const int v = integerFrom<int>(row[size_t(h)]);
                if (v != 0 && v != 1)
                    throw std::invalid_argument("mask values must be 0 or 1");
                m.setKept(l, h, v == 1);
            }
        }
        return m;
    });
}

Json toJson(const ImportanceCheckpoint& c)
{
    Json j;
    j["batches_done"] = c.batchesDone;
    j["n_examples"] = c.nExamples;
    j["n_tokens"] = c.nTokens;
    j["sum"] = matrixJson(c.sum);
    return j;
}

Result<ImportanceCheckpoint> importanceCheckpointFromJson(const Json& j)
{
    return readJson<ImportanceCheckpoint>("importance checkpoint", [&]() {
        ImportanceCheckpoint c;
        c.batchesDone = integerFrom<int>(j.at("batches_done"));
        c.nExamples = integerFrom<int64_t>(j.at("n_examples"));
        c.nTokens = integerFrom<int64_t>(j.at("n_tokens"));
        c.sum = matrixFromJson(j.at("sum"));
        if (c.batchesDone < 0 || c.nExamples < 0 || c.nTokens < 0)
            throw std::invalid_argument("negative counts");
        return c;
    });
}

SessionEntry finishedEntry(std::string key, Json result, bool complete, std::string source)
{
    SessionEntry e;
    e.key = std::move(key);
    e.source = std::move(source);
    e.finishedAt = utcTimestamp();
    e.complete = complete;
    e.result = std::move(result);
    return e;
}

std::string utcTimestamp()
{
    const std::time_t t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

Json toJson(const SessionDocument& doc)
{
    Json j;
    j["format"] = kSessionFormat;
    j["version"] = kSessionVersion;
    j["headscope_version"] = doc.headscopeVersion.empty() ? std::string(headscopeVersion()) : doc.headscopeVersion;
    j["saved_at"] = doc.savedAt.empty() ? utcTimestamp() : doc.savedAt;
    j["model"] = doc.model ? fileRefJson(*doc.model) : Json(nullptr);
    if (doc.dataset) {
        Json d = fileRefJson(*doc.dataset);
        d["options"] = optionsJson(doc.datasetOptions);
        j["data"] = std::move(d);
    } else {
        j["data"] = nullptr;
    }
    j["mask"] = doc.mask.nLayers() > 0 ? sessionMaskJson(doc.mask) : Json(nullptr);
    j["settings"] = doc.settings;
    j["view"] = doc.view;
    Json entries = Json::array();
    for (const auto& e : doc.entries)
        entries.push_back(entryJson(e));
    j["results"] = std::move(entries);
    if (doc.translation)
        j["translation"] = translationJson(*doc.translation);
    return j;
}

Result<SessionDocument> sessionFromJson(const Json& j, const std::string& path)
{
    // Checked by type first: value() throws when the key holds another type.
    if (!j.is_object() || !j.contains("format") || !j["format"].is_string() ||
        j["format"].get<std::string>() != kSessionFormat)
        return sessionError(path, "not a HeadScope session file", "missing \"format\": \"headscope-session\"");
    if (!j.contains("version") || !j["version"].is_number_integer())
        return sessionError(path, "the session file has no version");
    const int64_t version = j["version"].is_number_unsigned() && j["version"].get<uint64_t>() > 1000000
                              ? 1000000
                              : j["version"].get<int64_t>();
    if (version > kSessionVersion || version < 1)
        return sessionError(path,
                            "the session file has version " + std::to_string(version) + "; this HeadScope reads version " +
                                std::to_string(kSessionVersion) + " and older");
    auto doc = readJson<SessionDocument>("session", [&]() {
        SessionDocument d;
        d.headscopeVersion = j.value("headscope_version", std::string());
        d.savedAt = j.value("saved_at", std::string());
        if (j.contains("model") && !j["model"].is_null())
            d.model = fileRefFromJson(j["model"]);
        if (j.contains("data") && !j["data"].is_null()) {
            d.dataset = fileRefFromJson(j["data"]);
            if (j["data"].contains("options"))
                d.datasetOptions = optionsFromJson(j["data"]["options"]);
        }
        if (j.contains("mask") && !j["mask"].is_null())
            d.mask = valueOrThrow(sessionMaskFromJson(j["mask"]));
        if (j.contains("settings") && j["settings"].is_object())
            d.settings = j["settings"];
        if (j.contains("view") && j["view"].is_object())
            d.view = j["view"];
        if (j.contains("results")) {
            if (!j["results"].is_array())
                throw std::invalid_argument("'results' must be a list");
            for (const auto& e : j["results"])
                d.entries.push_back(entryFromJson(e));
        }
        if (j.contains("translation") && !j["translation"].is_null())
            d.translation = translationFromJson(j["translation"]);
        return d;
    });
    if (!doc)
        return Error{doc.error().code, doc.error().message, path, doc.error().detail};
    return doc;
}

Result<SessionDocument> parseSessionText(std::string_view text, const std::string& path)
{
    try {
        checkJsonNesting(text, path, "the session file");
    } catch (const ErrorException& e) {
        return e.error();
    }
    Json j = Json::parse(text.begin(), text.end(), nullptr, false);
    if (j.is_discarded())
        return sessionError(path, "the session file is not valid JSON (truncated or corrupt)");
    return sessionFromJson(j, path);
}

Result<SessionDocument> readSessionFile(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    if (!in)
        return Error{ErrorCode::FileNotFound, "cannot open the session file", path, {}};
    std::ostringstream text;
    text << in.rdbuf();
    if (in.bad())
        return sessionError(path, "cannot read the session file");
    return parseSessionText(text.str(), path);
}

Result<bool> writeSessionFile(const std::string& path, const SessionDocument& doc)
{
    return writeFileAtomically(path, formatJson(toJson(doc)) + "\n");
}

} // namespace headscope::core::report
