// No-op stand-in for std::ios_base_library_init() (GLIBCXX_3.4.32, GCC 13+). GCC 13's <iostream> only references the
// symbol to pull libstdc++'s own stream initialisation in; older libstdc++ initialises the streams through
// ios_base::Init objects instead, so nothing needs to happen here. Built with -nostdlib: the shim needs no library.
namespace std
{
    __attribute__((visibility("default"))) void ios_base_library_init() {}
}
