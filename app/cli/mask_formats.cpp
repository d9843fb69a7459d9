#include "mask_formats.h"

#include "cli_error.h"

namespace headscope::cli {

namespace {

core::MaskFormat formatNamed(const std::string& name)
{
    core::MaskFormat f;
    if (!core::parseMaskFormat(name, f)) throw badArgument("unknown mask format \"" + name + "\"");
    return f;
}

} // namespace

core::MaskSet readMaskAs(const std::string& path, const std::string& format, int nLayers, int nHeads)
{
    if (format.empty()) return unwrap(core::readMaskFile(path, nLayers, nHeads));
    return unwrap(core::readMaskFileAs(path, formatNamed(format), nLayers, nHeads));
}

void writeMaskAs(const std::string& path, const core::MaskSet& set, const std::string& format)
{
    const core::MaskFormat f = format.empty() ? core::maskFormatFromPath(path) : formatNamed(format);
    const auto written = core::writeMaskFile(path, set, f);
    if (!written) throw CliError(ExitRuntime, written.error().toString());
}

} // namespace headscope::cli
