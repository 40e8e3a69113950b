#pragma once
// Dense linear algebra on top of xtensor-blas: SVD, PCA, subspaces and principal angles.
// Not part of lamina.hpp: these call LAPACK and BLAS, so a program that includes them links
// the CMake target lamina::linalg (defined when LAPACK, BLAS and xtensor-blas are found).

/// @namespace lamina::linalg
/// SVD (LAPACK's gesdd, as torch.linalg.svd), PCA, and subspaces compared by principal angles.
#include "pca.hpp"
#include "subspace.hpp"
#include "svd.hpp"
