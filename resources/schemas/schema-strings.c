/* schema-strings.c — the model schemas' strings, for xgettext only
 *
 * Written by build-aux/extract-schema-strings.py from resources/schemas/*.json;
 * do not edit (tests/check-potfiles.py checks it is current). Never compiled.
 */

static const char *schema_strings[] = {
  /* Translators: the name of the model wan2.2-flf2v (comfyui) in the model selector */
  N_("Wan 2.2 first+last frame (14B)"),
  /* Translators: what the model wan2.2-flf2v (comfyui) is, in its details */
  N_("Wan 2.2 14B on your ComfyUI: a high-noise and a low-noise model, two sampler passes sharing the steps. An empty negative prompt uses Wan's official (Chinese) one."),
  /* Translators: the name of the parameter “size” of wan2.2-flf2v (comfyui) */
  N_("Size"),
  /* Translators: the explanation of the parameter “size” of wan2.2-flf2v (comfyui) */
  N_("Width × height of the clip; keyframes are fitted to it."),
  /* Translators: a choice of the parameter “size” of wan2.2-flf2v (comfyui) */
  N_("480 × 480 (1:1) · lightest on the GPU"),
  /* Translators: a choice of the parameter “size” of wan2.2-flf2v (comfyui) */
  N_("640 × 640 (1:1) · the template's size · moderate VRAM"),
  /* Translators: a choice of the parameter “size” of wan2.2-flf2v (comfyui) */
  N_("832 × 480 (16:9, 480p) · moderate VRAM, suggested under 24 GB"),
  /* Translators: a choice of the parameter “size” of wan2.2-flf2v (comfyui) */
  N_("480 × 832 (9:16, 480p) · moderate VRAM, suggested under 24 GB"),
  /* Translators: a choice of the parameter “size” of wan2.2-flf2v (comfyui) */
  N_("1280 × 720 (16:9, 720p) · heavy: a 24 GB card or more"),
  /* Translators: a choice of the parameter “size” of wan2.2-flf2v (comfyui) */
  N_("720 × 1280 (9:16, 720p) · heavy: a 24 GB card or more"),
  /* Translators: a choice of the parameter “size” of wan2.2-flf2v (comfyui) */
  N_("Custom: the width and height below"),
  /* Translators: the name of the parameter “width” of wan2.2-flf2v (comfyui) */
  N_("Custom width"),
  /* Translators: the explanation of the parameter “width” of wan2.2-flf2v (comfyui) */
  N_("Used when Size is Custom: a multiple of 16."),
  /* Translators: the name of the parameter “height” of wan2.2-flf2v (comfyui) */
  N_("Custom height"),
  /* Translators: the name of the parameter “duration” of wan2.2-flf2v (comfyui) */
  N_("Duration"),
  /* Translators: the explanation of the parameter “duration” of wan2.2-flf2v (comfyui) */
  N_("Length of the clip in seconds."),
  /* Translators: the name of the parameter “fps” of wan2.2-flf2v (comfyui) */
  N_("Frame rate"),
  /* Translators: the explanation of the parameter “fps” of wan2.2-flf2v (comfyui) */
  N_("Frames per second of the clip (Wan is trained at 16)."),
  /* Translators: the name of the parameter “steps” of wan2.2-flf2v (comfyui) */
  N_("Steps"),
  /* Translators: the explanation of the parameter “steps” of wan2.2-flf2v (comfyui) */
  N_("Sampling steps in all; the two passes split them in half."),
  /* Translators: the name of the parameter “cfg” of wan2.2-flf2v (comfyui) */
  N_("Guidance (CFG)"),
  /* Translators: the explanation of the parameter “cfg” of wan2.2-flf2v (comfyui) */
  N_("How closely the clip follows the prompt."),
  /* Translators: the name of the parameter “shift” of wan2.2-flf2v (comfyui) */
  N_("Shift"),
  /* Translators: the explanation of the parameter “shift” of wan2.2-flf2v (comfyui) */
  N_("Sampling shift of the model (ModelSamplingSD3)."),
  /* Translators: the name of the parameter “sampler” of wan2.2-flf2v (comfyui) */
  N_("Sampler"),
  /* Translators: the explanation of the parameter “sampler” of wan2.2-flf2v (comfyui) */
  N_("The sampler of KSampler."),
  /* Translators: the name of the parameter “scheduler” of wan2.2-flf2v (comfyui) */
  N_("Scheduler"),
  /* Translators: the explanation of the parameter “scheduler” of wan2.2-flf2v (comfyui) */
  N_("The noise schedule."),
  /* Translators: the name of the parameter “seed” of wan2.2-flf2v (comfyui) */
  N_("Seed"),
  /* Translators: the explanation of the parameter “seed” of wan2.2-flf2v (comfyui) */
  N_("Same seed and inputs give the same clip."),
  /* Translators: the name of the parameter “high_noise_model” of wan2.2-flf2v (comfyui) */
  N_("High-noise model"),
  /* Translators: the explanation of the parameter “high_noise_model” of wan2.2-flf2v (comfyui) */
  N_("File name in diffusion_models on the server."),
  /* Translators: the name of the parameter “low_noise_model” of wan2.2-flf2v (comfyui) */
  N_("Low-noise model"),
  /* Translators: the name of the parameter “text_encoder” of wan2.2-flf2v (comfyui) */
  N_("Text encoder"),
  /* Translators: the explanation of the parameter “text_encoder” of wan2.2-flf2v (comfyui) */
  N_("File name in text_encoders on the server."),
  /* Translators: the name of the parameter “vae” of wan2.2-flf2v (comfyui) */
  N_("VAE"),
  /* Translators: the explanation of the parameter “vae” of wan2.2-flf2v (comfyui) */
  N_("File name in vae on the server."),
  /* Translators: the name of the model wan2.2-flf2v-lightning (comfyui) in the model selector */
  N_("Wan 2.2 first+last frame, Lightning (4 steps)"),
  /* Translators: what the model wan2.2-flf2v-lightning (comfyui) is, in its details */
  N_("Wan 2.2 14B with the lightx2v 4-step LoRAs on your ComfyUI: about five times faster, with less motion. CFG 1."),
  /* Translators: the name of the parameter “high_noise_lora” of wan2.2-flf2v-lightning (comfyui) */
  N_("High-noise LoRA"),
  /* Translators: the explanation of the parameter “high_noise_lora” of wan2.2-flf2v-lightning (comfyui) */
  N_("File name in loras on the server."),
  /* Translators: the name of the parameter “low_noise_lora” of wan2.2-flf2v-lightning (comfyui) */
  N_("Low-noise LoRA"),
  /* Translators: the name of the model wan2.1-flf2v (comfyui) in the model selector */
  N_("Wan 2.1 first+last frame (720p)"),
  /* Translators: what the model wan2.1-flf2v (comfyui) is, in its details */
  N_("Wan 2.1 FLF2V 14B on your ComfyUI: both keyframes also encoded by CLIP vision, one sampler. Trained for 720p; Chinese prompts work best. An empty negative prompt uses Wan's official one."),
  /* Translators: the explanation of the parameter “steps” of wan2.1-flf2v (comfyui) */
  N_("Sampling steps in all; more: more detail, slower."),
  /* Translators: the name of the parameter “model” of wan2.1-flf2v (comfyui) */
  N_("Model"),
  /* Translators: the name of the parameter “clip_vision” of wan2.1-flf2v (comfyui) */
  N_("CLIP vision"),
  /* Translators: the explanation of the parameter “clip_vision” of wan2.1-flf2v (comfyui) */
  N_("File name in clip_vision on the server."),
  /* Translators: the name of the model wan2.2-kf2v-flash (dashscope) in the model selector */
  N_("Wan 2.2 first+last frame (flash)"),
  /* Translators: what the model wan2.2-kf2v-flash (dashscope) is, in its details */
  N_("Alibaba Model Studio (DashScope) keyframe-to-video, 5 s, silent. Output size follows the first keyframe's aspect ratio at the chosen pixel count."),
  /* Translators: the name of the parameter “resolution” of wan2.2-kf2v-flash (dashscope) */
  N_("Resolution"),
  /* Translators: the explanation of the parameter “resolution” of wan2.2-kf2v-flash (dashscope) */
  N_("Pixel count of the clip; the aspect ratio follows the first keyframe."),
  /* Translators: a choice of the parameter “resolution” of wan2.2-kf2v-flash (dashscope) */
  N_("480P"),
  /* Translators: a choice of the parameter “resolution” of wan2.2-kf2v-flash (dashscope) */
  N_("720P (HD)"),
  /* Translators: a choice of the parameter “resolution” of wan2.2-kf2v-flash (dashscope) */
  N_("1080P (Full HD)"),
  /* Translators: the name of the parameter “prompt_extend” of wan2.2-kf2v-flash (dashscope) */
  N_("Extend prompt"),
  /* Translators: the explanation of the parameter “prompt_extend” of wan2.2-kf2v-flash (dashscope) */
  N_("Let the service rewrite the prompt with more detail (the rewritten prompt is kept with the take)."),
  /* Translators: the name of the parameter “watermark” of wan2.2-kf2v-flash (dashscope) */
  N_("Watermark"),
  /* Translators: the explanation of the parameter “watermark” of wan2.2-kf2v-flash (dashscope) */
  N_("Add the service's “AI生成” mark in the bottom-right corner."),
  /* Translators: the explanation of the parameter “seed” of wan2.2-kf2v-flash (dashscope) */
  N_("Same seed and inputs give a similar clip."),
  /* Translators: the name of the model wanx2.1-kf2v-plus (dashscope) in the model selector */
  N_("Wan 2.1 first+last frame (plus)"),
  /* Translators: what the model wanx2.1-kf2v-plus (dashscope) is, in its details */
  N_("Alibaba Model Studio (DashScope) keyframe-to-video, 720P, 5 s, silent; optional effect templates that use only the first keyframe."),
  /* Translators: the explanation of the parameter “resolution” of wanx2.1-kf2v-plus (dashscope) */
  N_("This model makes 720P clips only."),
  /* Translators: the name of the parameter “template” of wanx2.1-kf2v-plus (dashscope) */
  N_("Effect"),
  /* Translators: the explanation of the parameter “template” of wanx2.1-kf2v-plus (dashscope) */
  N_("An effect template; with one, the prompt and the last keyframe are ignored."),
  /* Translators: a choice of the parameter “template” of wanx2.1-kf2v-plus (dashscope) */
  N_("None"),
  /* Translators: a choice of the parameter “template” of wanx2.1-kf2v-plus (dashscope) */
  N_("Hanfu"),
  /* Translators: a choice of the parameter “template” of wanx2.1-kf2v-plus (dashscope) */
  N_("Solaron"),
  /* Translators: a choice of the parameter “template” of wanx2.1-kf2v-plus (dashscope) */
  N_("Magazine"),
  /* Translators: a choice of the parameter “template” of wanx2.1-kf2v-plus (dashscope) */
  N_("Mech 1"),
  /* Translators: a choice of the parameter “template” of wanx2.1-kf2v-plus (dashscope) */
  N_("Mech 2"),
  /* Translators: the name of the model wan2.7-i2v (dashscope) in the model selector */
  N_("Wan 2.7 image to video (first+last frame)"),
  /* Translators: what the model wan2.7-i2v (dashscope) is, in its details */
  N_("Alibaba Model Studio (DashScope) image-to-video with first and last frame, 2–15 s, with generated sound."),
  /* Translators: the name of the model flow (local) in the model selector */
  N_("Optical flow in-betweening"),
  /* Translators: what the model flow (local) is, in its details */
  N_("Built-in engine: global camera motion plus dense bidirectional optical flow, occlusion-aware blending. Runs on this computer, offline."),
  /* Translators: the explanation of the parameter “fps” of flow (local) */
  N_("Frames per second of the clip."),
  /* Translators: the explanation of the parameter “resolution” of flow (local) */
  N_("Size of the clip; keeps the first keyframe's aspect ratio."),
  /* Translators: a choice of the parameter “resolution” of flow (local) */
  N_("480p"),
  /* Translators: a choice of the parameter “resolution” of flow (local) */
  N_("720p (HD)"),
  /* Translators: a choice of the parameter “resolution” of flow (local) */
  N_("1080p (Full HD)"),
  /* Translators: a choice of the parameter “resolution” of flow (local) */
  N_("Same as first keyframe"),
  /* Translators: the name of the parameter “fit” of flow (local) */
  N_("Fit"),
  /* Translators: the explanation of the parameter “fit” of flow (local) */
  N_("How a keyframe of another aspect ratio is framed."),
  /* Translators: a choice of the parameter “fit” of flow (local) */
  N_("Crop to fill"),
  /* Translators: a choice of the parameter “fit” of flow (local) */
  N_("Pad with borders"),
  /* Translators: a choice of the parameter “fit” of flow (local) */
  N_("Stretch"),
  /* Translators: the name of the parameter “easing” of flow (local) */
  N_("Easing"),
  /* Translators: the explanation of the parameter “easing” of flow (local) */
  N_("How motion is spread over time."),
  /* Translators: a choice of the parameter “easing” of flow (local) */
  N_("Linear"),
  /* Translators: a choice of the parameter “easing” of flow (local) */
  N_("Ease in and out"),
  /* Translators: the name of the parameter “loop” of flow (local) */
  N_("Loop"),
  /* Translators: the explanation of the parameter “loop” of flow (local) */
  N_("Add the return motion so the clip ends where it began."),
  /* Translators: the name of the model community/wan-2-2/first-last-frame (runcomfy) in the model selector */
  N_("Wan 2.2 first+last frame (RunComfy)"),
  /* Translators: what the model community/wan-2-2/first-last-frame (runcomfy) is, in its details */
  N_("RunComfy's hosted ComfyUI workflow for Wan 2.2 first/last-frame-to-video. Keyframes are sent inline as JPEG data (at most 6 MB each)."),
  /* Translators: the name of the parameter “length” of community/wan-2-2/first-last-frame (runcomfy) */
  N_("Length"),
  /* Translators: the explanation of the parameter “length” of community/wan-2-2/first-last-frame (runcomfy) */
  N_("Number of frames in the clip."),
  /* Translators: a choice of the parameter “length” of community/wan-2-2/first-last-frame (runcomfy) */
  N_("81 frames"),
  /* Translators: a choice of the parameter “length” of community/wan-2-2/first-last-frame (runcomfy) */
  N_("141 frames"),
  /* Translators: the explanation of the parameter “steps” of community/wan-2-2/first-last-frame (runcomfy) */
  N_("More steps: more detail, slower."),
  /* Translators: the explanation of the parameter “shift” of community/wan-2-2/first-last-frame (runcomfy) */
  N_("Sampling shift of the model."),
  /* Translators: the name of the model wavespeed-ai/wan-flf2v (wavespeed) in the model selector */
  N_("Wan 2.1 first+last frame (WaveSpeed)"),
  /* Translators: what the model wavespeed-ai/wan-flf2v (wavespeed) is, in its details */
  N_("WaveSpeed AI's hosted Wan 2.1 first/last-frame-to-video. Keyframes are uploaded to WaveSpeed first."),
  /* Translators: a choice of the parameter “size” of wavespeed-ai/wan-flf2v (wavespeed) */
  N_("832 × 480 (landscape)"),
  /* Translators: a choice of the parameter “size” of wavespeed-ai/wan-flf2v (wavespeed) */
  N_("480 × 832 (portrait)"),
  /* Translators: a choice of the parameter “size” of wavespeed-ai/wan-flf2v (wavespeed) */
  N_("1280 × 720 (landscape HD)"),
  /* Translators: a choice of the parameter “size” of wavespeed-ai/wan-flf2v (wavespeed) */
  N_("720 × 1280 (portrait HD)"),
  /* Translators: the name of the parameter “guidance_scale” of wavespeed-ai/wan-flf2v (wavespeed) */
  N_("Guidance"),
  /* Translators: the explanation of the parameter “seed” of wavespeed-ai/wan-flf2v (wavespeed) */
  N_("Same seed and inputs give a similar clip; −1 picks one at random."),
};
