#pragma once
// A fast 64-bit content hash of files, to tell whether a session's model or dataset changed on
// disk since the session was saved. Not cryptographic: it detects edits and replacements, not
// tampering. Reads through a memory map at several GB/s, so hashing a BERT-base checkpoint
// takes a fraction of a second (run it off the UI thread anyway).
//
//   auto h = contentHashOfFile("dev.tsv");          // "hs64:3f2a...", 16 hex digits
//   auto m = contentHashOfModel("models/bert");     // config.json + the weights file(s)
#include "util/result.h"

#include <cstdint>
#include <string>

namespace headscope::core {

/// The hash of a byte range, with a seed (so that several files can be chained).
uint64_t contentHash64(const void* data, size_t size, uint64_t seed = 0);

/// "hs64:<16 hex digits>" of the file's bytes; FileNotFound / InvalidFile naming the file.
Result<std::string> contentHashOfFile(const std::string& path);

/// The hash of a model folder: config.json and every weights file it has (*.safetensors,
/// *.bin, shards included), chained in name order. Tokenizer files are left out: they do not
/// change what the analyses compute once the dataset is encoded again.
Result<std::string> contentHashOfModel(const std::string& dir);

} // namespace headscope::core
