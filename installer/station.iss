; Inno Setup script for the Windows kiosk (issue 6). Build the PyInstaller bundle on Windows first
; (installer\build.sh under Git Bash, or: .venv\Scripts\python -m PyInstaller --distpath build\dist
; --workpath build\work installer\station.spec), then: iscc /DAppVersion=0.1.0 installer\station.iss
;
; - Program files under {autopf}\Station, Start-menu entries (kiosk, doctor, uninstall).
; - Data (database, photos, logs) and the configuration under ProgramData\Station, shared by the
;   clerks' accounts; created with modify rights for Users.
; - Optional autostart of the kiosk at logon (task "autostart", checked by default).
; - The uninstaller keeps ProgramData\Station (registrations and audit trail) unless the operator
;   answers Yes to the question, or passes /DELETEDATA on the command line; silent uninstalls keep it.

#ifndef AppVersion
  #define AppVersion "0.1.0"
#endif
#define AppName "机房出入登记站 Station"
#define DataDir "{commonappdata}\Station"

[Setup]
AppId={{6B7C2E0A-1D3F-4C55-9A61-2F7E0B8D5C11}
AppName={#AppName}
AppVersion={#AppVersion}
AppPublisher=Station project
DefaultDirName={autopf}\Station
DefaultGroupName={#AppName}
OutputDir=..\build\installer
OutputBaseFilename=station-{#AppVersion}-setup
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
PrivilegesRequired=admin
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
UninstallDisplayName={#AppName}
SetupLogging=yes

[Languages]
Name: "chinesesimplified"; MessagesFile: "compiler:Languages\ChineseSimplified.isl"
Name: "english"; MessagesFile: "compiler:Default.isl"

[CustomMessages]
chinesesimplified.Autostart=登录时自动以自助终端模式启动登记站
english.Autostart=Start the station in kiosk mode at logon
chinesesimplified.Doctor=登记站自检
english.Doctor=Station self-check (doctor)
chinesesimplified.DeleteData=是否同时删除登记数据、照片和日志（%1）？%n%n选“否”将保留数据，重新安装后可继续使用。
english.DeleteData=Also delete the registrations, photos and logs (%1)?%n%nChoose No to keep them for a later installation.

[Tasks]
Name: "autostart"; Description: "{cm:Autostart}"

[Dirs]
Name: "{#DataDir}"; Permissions: users-modify
Name: "{#DataDir}\data"; Permissions: users-modify

[Files]
Source: "..\build\dist\station\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs
; A starting configuration in kiosk mode; never overwrites one the integrator has edited.
Source: "kiosk-station.toml"; DestDir: "{#DataDir}"; DestName: "station.toml"; Flags: onlyifdoesntexist uninsneveruninstall

[Icons]
Name: "{group}\{#AppName}"; Filename: "{app}\station.exe"; Parameters: "gui --config ""{#DataDir}\station.toml"" --data-dir ""{#DataDir}\data"""; WorkingDir: "{#DataDir}"
Name: "{group}\{cm:Doctor}"; Filename: "{cmd}"; Parameters: "/k """"{app}\station.exe"" doctor --config ""{#DataDir}\station.toml"" --data-dir ""{#DataDir}\data"""""; WorkingDir: "{#DataDir}"
Name: "{group}\{cm:UninstallProgram,{#AppName}}"; Filename: "{uninstallexe}"
Name: "{commonstartup}\{#AppName}"; Filename: "{app}\station.exe"; Parameters: "gui --kiosk --config ""{#DataDir}\station.toml"" --data-dir ""{#DataDir}\data"""; WorkingDir: "{#DataDir}"; Tasks: autostart

[Run]
; Offered on the last page: the self-check in a console window that stays open.
Filename: "{cmd}"; Parameters: "/k """"{app}\station.exe"" doctor --config ""{#DataDir}\station.toml"" --data-dir ""{#DataDir}\data"""""; Description: "{cm:Doctor}"; Flags: postinstall skipifsilent nowait

[Code]
procedure CurUninstallStepChanged(CurUninstallStep: TUninstallStep);
var
  DataPath: String;
begin
  if CurUninstallStep = usPostUninstall then
  begin
    DataPath := ExpandConstant('{#DataDir}');
    if not DirExists(DataPath) then
      exit;
    if (Pos('/DELETEDATA', Uppercase(GetCmdTail)) > 0) or
       ((not UninstallSilent) and
        (MsgBox(FmtMessage(CustomMessage('DeleteData'), [DataPath]), mbConfirmation, MB_YESNO or MB_DEFBUTTON2) = IDYES)) then
      DelTree(DataPath, True, True, True);
  end;
end;
