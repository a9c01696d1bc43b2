/** placeholder replaced below */
export function nodeGpuKernelFactory(): undefined { return undefined; }
