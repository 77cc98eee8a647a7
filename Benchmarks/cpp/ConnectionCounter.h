// Counts the connections a Thrift server accepts, so the benchmark can report new backend connections per
// request: a gateway that pools well opens a handful at start and none afterwards.
//
// Reporting is on demand: SIGUSR1 makes a dedicated thread print `connections N` on stdout. A thread that
// sigwait()s, rather than a signal handler, may safely format and flush output.
#pragma once

#include <thrift/server/TServer.h>

#include <atomic>
#include <csignal>
#include <cstdio>
#include <memory>
#include <pthread.h>
#include <thread>

class ConnectionCounter final : public apache::thrift::server::TServerEventHandler {
public:
    // Called once per accepted connection by both TNonblockingServer and the threaded servers.
    void* createContext(std::shared_ptr<apache::thrift::protocol::TProtocol>,
                        std::shared_ptr<apache::thrift::protocol::TProtocol>) override {
        accepted_.fetch_add(1, std::memory_order_relaxed);
        return nullptr;
    }

    unsigned long long accepted() const { return accepted_.load(std::memory_order_relaxed); }

private:
    std::atomic<unsigned long long> accepted_{0};
};

// Must run before the server starts any thread: threads inherit the blocked mask, so SIGUSR1 reaches only
// the reporter's sigwait. SIGPIPE is ignored so a client closing mid-reply cannot kill the server.
inline void startConnectionReporter(std::shared_ptr<ConnectionCounter> counter) {
    std::signal(SIGPIPE, SIG_IGN);
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGUSR1);
    pthread_sigmask(SIG_BLOCK, &set, nullptr);
    std::thread([counter, set] {
        for (;;) {
            int signal = 0;
            if (sigwait(&set, &signal) != 0) continue;
            std::printf("connections %llu\n", counter->accepted());
            std::fflush(stdout);
        }
    }).detach();
}
