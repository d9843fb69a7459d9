#pragma once
// Precompiled for every torch-using core file: parsing torch's headers dominates build time.
#include <torch/torch.h>
