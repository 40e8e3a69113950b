# Dependencies shared by the build tree and the installed package config.
include(CMakeFindDependencyMacro)
find_dependency(OpenMP)
find_dependency(xtl)
find_dependency(xsimd)
find_dependency(xtensor)
find_dependency(ZLIB)
