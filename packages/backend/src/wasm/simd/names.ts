/** Names of the kernels @cnn/backend adds (light module: no kernel code). */
export const CONV2D_BIAS_KERNEL = 'CnnConv2DBias';
