#include "mask_formats.h"

#include "cli_error.h"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <iterator>
#include <sstream>

namespace headscope::cli {

namespace {

std::string readWholeFile(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    if (!in) core::fail(core::ErrorCode::FileNotFound, "cannot open the mask file", path);
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

int shiftNumber(const std::string& digits, int delta, const std::string& token, const std::string& path)
{
    if (digits.empty() || digits.size() > 6 ||
        !std::all_of(digits.begin(), digits.end(), [](unsigned char c) { return std::isdigit(c) != 0; }))
        core::fail(core::ErrorCode::InvalidFile, "malformed head descriptor", path, "at \"" + token + "\"");
    const int shifted = std::stoi(digits) + delta;
    if (shifted < 0)
        core::fail(core::ErrorCode::InvalidFile, "paper descriptors number layers and heads from 1", path,
                   "at \"" + token + "\"");
    return shifted;
}

std::vector<std::string> split(const std::string& s, char sep)
{
    std::vector<std::string> parts;
    std::string part;
    std::istringstream in(s);
    while (std::getline(in, part, sep))
        parts.push_back(part);
    if (!s.empty() && s.back() == sep) parts.emplace_back();
    return parts;
}

} // namespace

const std::vector<std::string>& maskFormatNames()
{
    static const std::vector<std::string> names{"json", "hf", "descriptor", "paper", "csv", "npy"};
    return names;
}

std::string shiftDescriptor(const std::string& text, int delta, const std::string& pathForErrors)
{
    std::istringstream in(text);
    std::string token;
    std::string out;
    while (in >> token) {
        std::vector<std::string> parts = split(token, ':');
        if (parts.size() < 2 || parts.size() > 3)
            core::fail(core::ErrorCode::InvalidFile, "malformed head descriptor", pathForErrors,
                       "expected layer:heads at \"" + token + "\"");
        std::string shifted;
        if (parts.size() == 3) shifted = parts[0] + ":"; // attention type prefix
        shifted += std::to_string(shiftNumber(parts[parts.size() - 2], delta, token, pathForErrors)) + ":";
        const std::vector<std::string> heads = split(parts.back(), ',');
        for (size_t i = 0; i < heads.size(); ++i) {
            if (i > 0) shifted += ',';
            shifted += std::to_string(shiftNumber(heads[i], delta, token, pathForErrors));
        }
        if (!out.empty()) out += ' ';
        out += shifted;
    }
    return out;
}

core::MaskSet readMaskAs(const std::string& path, const std::string& format, int nLayers, int nHeads)
{
    if (format.empty()) return unwrap(core::readMaskFile(path, nLayers, nHeads));
    if (format == "paper")
        return unwrap(
            core::maskFromDescriptor(shiftDescriptor(readWholeFile(path), -1, path), nLayers, nHeads, path));
    core::MaskFormat f;
    if (!core::parseMaskFormat(format, f)) throw badArgument("unknown mask format \"" + format + "\"");
    const std::string content = readWholeFile(path);
    switch (f) {
    case core::MaskFormat::HeadScopeJson:
        return unwrap(core::maskFromJson(content, path));
    case core::MaskFormat::HfPrunedHeads:
        return unwrap(core::maskFromHfPrunedHeads(content, nLayers, nHeads, path));
    case core::MaskFormat::Descriptor:
        return unwrap(core::maskFromDescriptor(content, nLayers, nHeads, path));
    case core::MaskFormat::Csv:
        return unwrap(core::maskFromCsv(content, path));
    case core::MaskFormat::Npy:
        return unwrap(core::maskFromNpy(content, path));
    }
    throw badArgument("unknown mask format \"" + format + "\"");
}

void writeMaskAs(const std::string& path, const core::MaskSet& set, const std::string& format)
{
    if (format == "paper") {
        const std::string text = shiftDescriptor(core::maskToDescriptor(set), +1, path) + "\n";
        std::ofstream out(path, std::ios::binary | std::ios::trunc);
        out << text;
        out.close();
        if (!out) throw CliError(ExitRuntime, path + ": cannot write the mask file");
        return;
    }
    core::MaskFormat f = core::maskFormatFromPath(path);
    if (!format.empty() && !core::parseMaskFormat(format, f))
        throw badArgument("unknown mask format \"" + format + "\"");
    const auto written = core::writeMaskFile(path, set, f);
    if (!written) throw CliError(ExitRuntime, written.error().toString());
}

} // namespace headscope::cli
