#include "ui/image_view_program.h"

#include "core/runtime/errors.h"
#include "shaders/embedded_shaders.h"

#include <glad/gl.h>

#include <string>

namespace inv {
namespace {

constexpr float kGridOpacity = 0.35f;

unsigned compile(GLenum kind, const char* source, const char* name) {
    const GLuint shader = glCreateShader(kind);
    glShaderSource(shader, 1, &source, nullptr);
    glCompileShader(shader);
    GLint ok = GL_FALSE;
    glGetShaderiv(shader, GL_COMPILE_STATUS, &ok);
    if (ok != GL_TRUE) {
        char log[1024] = {};
        glGetShaderInfoLog(shader, sizeof log, nullptr, log);
        glDeleteShader(shader);
        throw UserError(std::string("the graphics driver could not compile shaders/") + name + ": " + log);
    }
    return shader;
}

}  // namespace

ImageViewProgram::ImageViewProgram() {
    const GLuint vertex = compile(GL_VERTEX_SHADER, shaders::k_image_view_vert, "image_view.vert");
    const GLuint fragment = compile(GL_FRAGMENT_SHADER, shaders::k_image_view_frag, "image_view.frag");
    m_program = glCreateProgram();
    glAttachShader(m_program, vertex);
    glAttachShader(m_program, fragment);
    glLinkProgram(m_program);
    glDeleteShader(vertex);
    glDeleteShader(fragment);
    GLint ok = GL_FALSE;
    glGetProgramiv(m_program, GL_LINK_STATUS, &ok);
    if (ok != GL_TRUE) {
        char log[1024] = {};
        glGetProgramInfoLog(m_program, sizeof log, nullptr, log);
        glDeleteProgram(m_program);
        throw UserError(std::string("the graphics driver could not link the image view shaders: ") + log);
    }
    m_projection = glGetUniformLocation(m_program, "ProjMtx");
    m_texture_size = glGetUniformLocation(m_program, "TextureSize");
    m_screen_per_texel = glGetUniformLocation(m_program, "ScreenPerTexel");
    m_grid_opacity = glGetUniformLocation(m_program, "GridOpacity");
}

ImageViewProgram::~ImageViewProgram() {
    if (m_program != 0) glDeleteProgram(m_program);
}

void ImageViewProgram::image(void* texture, int texture_width, int texture_height, float zoom, bool pixel_grid) {
    m_size[0] = static_cast<float>(texture_width);
    m_size[1] = static_cast<float>(texture_height);
    m_zoom = zoom;
    m_opacity = pixel_grid ? kGridOpacity : 0.0f;
    ImDrawList* list = ImGui::GetWindowDrawList();
    list->AddCallback(&ImageViewProgram::apply, this);
    ImGui::Image(texture, ImVec2(m_size[0] * zoom, m_size[1] * zoom));
    list->AddCallback(ImDrawCallback_ResetRenderState, nullptr);
}

// Runs inside ImGui's renderer, between its draw commands: swaps in this program for the image.
void ImageViewProgram::apply(const ImDrawList*, const ImDrawCmd* command) {
    const auto* self = static_cast<const ImageViewProgram*>(command->UserCallbackData);
    const ImDrawData* data = ImGui::GetDrawData();
    const float left = data->DisplayPos.x;
    const float right = left + data->DisplaySize.x;
    const float top = data->DisplayPos.y;
    const float bottom = top + data->DisplaySize.y;
    const float projection[16] = {
        2.0f / (right - left),           0, 0, 0, 0, 2.0f / (top - bottom), 0, 0, 0, 0, -1, 0, (right + left) / (left - right),
        (top + bottom) / (bottom - top), 0, 1};
    glUseProgram(self->m_program);
    glUniformMatrix4fv(self->m_projection, 1, GL_FALSE, projection);
    glUniform1i(glGetUniformLocation(self->m_program, "Texture"), 0);
    glUniform2f(self->m_texture_size, self->m_size[0], self->m_size[1]);
    glUniform1f(self->m_screen_per_texel, self->m_zoom);
    glUniform1f(self->m_grid_opacity, self->m_opacity);
}

}  // namespace inv
