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

template <class T>
struct basic_tensor_view {
  T* data = nullptr;
  dims shape{};

  std::size_t size() const { return shape.size(); }
  std::size_t rank() const { return shape.rank; }
  std::span<T> span() const { return {data, size()}; }
  T* begin() const { return data; }
  T* end() const { return data + size(); }
  T& operator[](std::size_t i) const { return data[i]; }
  // Element at a multi-index, e.g. v.at({n, c}) for an [N, C] view.
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
  operator basic_tensor_view<const T>() const { return {data, shape}; }
};
using TensorView = basic_tensor_view<float>;
using ConstTensorView = basic_tensor_view<const float>;

// An owning, 64-byte aligned host tensor.
class Tensor {
 public:
  Tensor() = default;
  explicit Tensor(dims shape) : shape_(shape), data_(shape.size()) {}
  template <class... Ds>
  static Tensor zeros(Ds... ds) { return Tensor(make_dims(ds...)); }

  float* data() { return data_.data(); }
  const float* data() const { return data_.data(); }
  const dims& shape() const { return shape_; }
  std::size_t size() const { return shape_.size(); }
  TensorView view() { return {data(), shape_}; }
  ConstTensorView view() const { return {data(), shape_}; }
  float& operator[](std::size_t i) { return data()[i]; }
  float operator[](std::size_t i) const { return data()[i]; }
  float* begin() { return data(); }
  float* end() { return data() + size(); }
  const float* begin() const { return data(); }
  const float* end() const { return data() + size(); }
  std::span<float> span() { return {data(), size()}; }
  std::span<const float> span() const { return {data(), size()}; }
  // Converts like a std::vector<float> does, so a Tensor can be passed where a span is taken
  // (e.g. a loader's samples).
  operator std::span<const float>() const { return span(); }

 private:
  dims shape_{};
  buffer<cpu> data_;
};

}  // namespace lamina
