#pragma once
// Every kernel the layers may call, for each backend compiled in. A layer calls
// kernels::name(backend_tag, ...); overload resolution on the tag picks the implementation.
#include "cpu/elementwise.hpp"
#include "cpu/gemm.hpp"
#include "cpu/reduce.hpp"
#include "cpu/softmax.hpp"
