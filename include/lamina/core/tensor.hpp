#pragma once
// Non-owning views of float data with a run-time shape (batch dimension included), and an
// owning host Tensor. Views are what the model hands out: parameters, gradients, outputs.
#include <cassert>
#include <cstddef>
#include <initializer_list>
#include <span>
#include <stdexcept>
#include <string>

#include "buffer.hpp"
#include "shape.hpp"

namespace lamina {

/// A non-owning view of contiguous, row-major float data with a run-time shape (batch
/// dimension included): what a model hands out for parameters, gradients and outputs.
/// T is float or const float.
template <class T>
struct basic_tensor_view {
  T* data = nullptr;  ///< The first element.
  dims shape{};       ///< The shape, e.g. [N, C, H, W].

  /// Number of elements.
  std::size_t size() const { return shape.size(); }
  /// Number of dimensions.
  std::size_t rank() const { return shape.rank; }
  /// The elements as a span.
  std::span<T> span() const { return {data, size()}; }
  /// Iterators over the elements, in memory order.
  ///@{
  T* begin() const { return data; }
  T* end() const { return data + size(); }
  ///@}
  /// Element i in memory order (unchecked).
  T& operator[](std::size_t i) const { return data[i]; }
  /// Element at a multi-index, e.g. v.at({n, c}) for an [N, C] view; throws std::out_of_range
  /// on a wrong number of indices or an index past its extent.
  T& at(std::initializer_list<std::size_t> idx) const {
    if (idx.size() != shape.rank)
      throw std::out_of_range("tensor_view::at: expected " + std::to_string(shape.rank) + " indices");
    std::size_t off = 0, k = 0;
    for (std::size_t i : idx) {
      if (i >= shape[k]) throw std::out_of_range("tensor_view::at: index out of range");
      off = off * shape[k++] + i;
    }
    return data[off];
  }
  /// A read-only view of the same data.
  operator basic_tensor_view<const T>() const { return {data, shape}; }
};
using TensorView = basic_tensor_view<float>;             ///< A view of mutable floats.
using ConstTensorView = basic_tensor_view<const float>;  ///< A view of read-only floats.

/// An owning, 64-byte aligned host tensor, zero-initialised.
class Tensor {
 public:
  Tensor() = default;
  /// A zero tensor of this shape.
  explicit Tensor(dims shape) : shape_(shape), data_(shape.size()) {}
  /// A zero tensor of shape [ds...], like torch.zeros.
  template <class... Ds>
  static Tensor zeros(Ds... ds) { return Tensor(make_dims(ds...)); }

  /// The first element.
  ///@{
  float* data() { return data_.data(); }
  const float* data() const { return data_.data(); }
  ///@}
  /// The shape.
  const dims& shape() const { return shape_; }
  /// Number of elements.
  std::size_t size() const { return shape_.size(); }
  /// A view of the whole tensor.
  ///@{
  TensorView view() { return {data(), shape_}; }
  ConstTensorView view() const { return {data(), shape_}; }
  ///@}
  /// Element i in memory order (unchecked).
  ///@{
  float& operator[](std::size_t i) { return data()[i]; }
  float operator[](std::size_t i) const { return data()[i]; }
  ///@}
  /// Iterators over the elements, in memory order.
  ///@{
  float* begin() { return data(); }
  float* end() { return data() + size(); }
  const float* begin() const { return data(); }
  const float* end() const { return data() + size(); }
  ///@}
  /// The elements as a span.
  ///@{
  std::span<float> span() { return {data(), size()}; }
  std::span<const float> span() const { return {data(), size()}; }
  ///@}
  /// Converts like a std::vector<float> does, so a Tensor can be passed where a span is taken
  /// (e.g. a loader's samples).
  operator std::span<const float>() const { return span(); }

 private:
  dims shape_{};
  buffer<cpu> data_;
};

}  // namespace lamina
