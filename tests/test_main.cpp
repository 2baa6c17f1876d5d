#define DOCTEST_CONFIG_IMPLEMENT
#include <doctest/doctest.h>

#include <execinfo.h>
#include <unistd.h>
#include <csignal>

namespace {

// doctest reports a crash by its test case, then restores the handler it found and raises the
// signal again: this one then prints the native stack, so that a crash seen on a rarely lent
// machine (the GPU check) says where it happened, not only in which test case.
void print_stack_and_stop(int signal_number) {
    void* frames[64];
    const int count = ::backtrace(frames, 64);
    ::backtrace_symbols_fd(frames, count, STDERR_FILENO);
    std::signal(signal_number, SIG_DFL);
    std::raise(signal_number);
}

}  // namespace

int main(int argc, char** argv) {
    for (int signal_number : {SIGSEGV, SIGBUS, SIGFPE, SIGILL}) std::signal(signal_number, print_stack_and_stop);
    doctest::Context context(argc, argv);
    return context.run();
}
