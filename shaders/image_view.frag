#version 330 core
// Shows an image with nearest-neighbour texels and, when zoomed in far enough, a thin grid between
// texels so single pixels of a 32x32 sample can be told apart.
in vec2 Frag_UV;
in vec4 Frag_Color;
uniform sampler2D Texture;
uniform vec2 TextureSize;      // texels
uniform float ScreenPerTexel;  // screen pixels per texel (the zoom)
uniform float GridOpacity;     // 0 disables the grid
out vec4 Out_Color;
void main() {
    vec4 colour = Frag_Color * texture(Texture, Frag_UV);
    vec2 within = fract(Frag_UV * TextureSize);
    float line = 1.0 / max(ScreenPerTexel, 1.0);
    bool on_grid = ScreenPerTexel >= 6.0 && (within.x < line || within.y < line);
    Out_Color = on_grid ? mix(colour, vec4(0.0, 0.0, 0.0, 1.0), GridOpacity) : colour;
}
