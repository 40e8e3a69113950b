#pragma once
// An optimizer's state tensor (momentum, exp_avg, ...) in the memory of the model's backend.
// Optimizers stay plain classes (lm::optim::SGD is one type whatever the backend): the backend
// is captured when the optimizer is constructed from a model, and its state lives in a
// state_buffer that owns a buffer<Backend> behind a small virtual interface.
#include <cstddef>
#include <memory>

#include "../core/backend.hpp"
#include "../core/buffer.hpp"

namespace lamina::optim::detail {

class state_buffer {
 public:
  state_buffer() : state_buffer(cpu{}) {}
  template <class Backend>
  explicit state_buffer(Backend) : impl_(std::make_unique<holder<Backend>>()) {}
  state_buffer(const state_buffer& o) : impl_(o.impl_->clone()) {}
  state_buffer(state_buffer&&) noexcept = default;
  state_buffer& operator=(const state_buffer& o) {
    if (this != &o) impl_ = o.impl_->clone();
    return *this;
  }
  state_buffer& operator=(state_buffer&&) noexcept = default;

  void resize(std::size_t n) { impl_->resize(n); }  // zero-filled
  float* data() { return impl_->data(); }
  std::size_t size() const { return impl_->size(); }

 private:
  struct base {
    virtual ~base() = default;
    virtual std::unique_ptr<base> clone() const = 0;
    virtual void resize(std::size_t n) = 0;
    virtual float* data() = 0;
    virtual std::size_t size() const = 0;
  };
  template <class Backend>
  struct holder final : base {
    buffer<Backend> b;
    std::unique_ptr<base> clone() const override { return std::make_unique<holder>(*this); }
    void resize(std::size_t n) override { b.resize(n); }
    float* data() override { return b.data(); }
    std::size_t size() const override { return b.size(); }
  };
  std::unique_ptr<base> impl_;
};

// The backend of a model type (cpu for anything without a `backend` member type).
template <class M>
struct backend_of {
  using type = cpu;
};
template <class M>
  requires requires { typename M::backend; }
struct backend_of<M> {
  using type = typename M::backend;
};
template <class M>
using backend_of_t = typename backend_of<M>::type;

}  // namespace lamina::optim::detail
